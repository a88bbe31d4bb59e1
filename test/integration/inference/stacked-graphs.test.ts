import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';

// The stacked-slice graphs (models/training/*_stacked.py) as onnxruntime-node runs them, against the
// same random networks in PyTorch's 3D form: the Python tests check the rewrite in PyTorch, this
// checks what the export wrote (explicit pads, strides, dilations, the max-pool and the row crops).
const here = path.dirname(new URL(import.meta.url).pathname);

interface Tensor {
  file: string;
  shape: number[];
}
interface Case {
  name: string;
  onnx: string;
  inputs: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
  residual?: string;
}

let dir: string;
let cases: Case[];

function read(t: Tensor): Float32Array {
  const b = readFileSync(path.join(dir, t.file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** max |a - b| and max |b| over the elements; `minus` is taken off both first (a residual input). */
function compare(a: Float32Array, b: Float32Array, minus?: Float32Array): { diff: number; scale: number } {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const m = minus ? minus[i] : 0;
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i] - m));
  }
  return { diff, scale };
}

async function run(c: Case): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(path.join(dir, c.onnx), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 2,
  });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(c.inputs))
      feeds[name] = new ort.Tensor('float32', read(t), t.shape);
    const out = await session.run(feeds);
    return Object.fromEntries(Object.keys(c.outputs).map((k) => [k, out[k].data as Float32Array]));
  } finally {
    await session.release();
  }
}

describe('stacked-slice ONNX graphs in onnxruntime-node vs the 3D networks in PyTorch', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stacked-'));
    execFileSync('/usr/bin/python3', [path.join(here, 'stacked_graphs.py'), dir], { stdio: 'ignore' });
    cases = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as Case[];
  }, 300_000);

  it('writes the cases (two classifier grids, even and odd sizes, and a U-Net)', () => {
    expect(cases.map((c) => c.name)).toEqual(['classifier-16x48x48', 'classifier-15x45x47', 'unet']);
  });

  it.each(['classifier-16x48x48', 'classifier-15x45x47'])('%s: probabilities and Grad-CAM', async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const out = await run(c);
    const prob = compare(out.probabilities, read(c.outputs.probabilities));
    expect(prob.diff).toBeLessThan(1e-5);
    const cam = compare(out.cam, read(c.outputs.cam));
    expect(cam.scale).toBeGreaterThan(0);
    // float32 sums over up to 27 x 32 terms per layer, in a different order.
    expect(cam.diff / cam.scale).toBeLessThan(1e-4);
  });

  it('unet: the correction it adds to its input', async () => {
    const c = cases.find((x) => x.name === 'unet')!;
    const out = await run(c);
    const { diff, scale } = compare(out.output, read(c.outputs.output), read(c.inputs.input));
    expect(scale).toBeGreaterThan(0.1);
    expect(diff / scale).toBeLessThan(1e-4);
  });
});
