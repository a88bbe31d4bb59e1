// Runs a model folder's three ONNX networks in onnxruntime-node on its committed golden inputs and
// measures the largest deviation from the PyTorch outputs written by models/training/export.py.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

export interface GoldenIndex {
  schema: string;
  tolerance: { denoised: number; probabilities: number; camRelative: number };
  tensors: Record<string, { file: string; shape: number[] }>;
}

export function readGolden(folder: string): GoldenIndex {
  return JSON.parse(readFileSync(path.join(folder, 'golden', 'golden.json'), 'utf8')) as GoldenIndex;
}

export function readTensor(folder: string, golden: GoldenIndex, name: string): ort.Tensor {
  const { file, shape } = golden.tensors[name];
  const bytes = readFileSync(path.join(folder, file));
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`${file}: ${data.length} floats, expected ${expected}`);
  return new ort.Tensor('float32', data, shape);
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export async function openSession(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, { executionProviders: ['cpu'], intraOpNumThreads: 2 });
}
