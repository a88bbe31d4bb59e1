import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classify,
  closeModel,
  loadModelFolder,
  openModel,
  runNetworks,
  type OpenModel,
} from '../../../electron/inference';

// The engine's own forward pass (runNetworks: tensor names and shapes from the manifest) against the
// PyTorch outputs the model engineer committed as golden tensors.
const FIXTURE = path.resolve('test/fixtures/models/random-small');

interface Golden {
  tolerance: { denoised: number; probabilities: number; camRelative: number };
  tensors: Record<string, { file: string; shape: number[] }>;
}

function tensor(golden: Golden, name: string): Float32Array {
  const b = readFileSync(path.join(FIXTURE, golden.tensors[name].file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('ONNX Runtime vs PyTorch golden tensors (runNetworks)', () => {
  let open: OpenModel;
  const golden = JSON.parse(readFileSync(path.join(FIXTURE, 'golden', 'golden.json'), 'utf8')) as Golden;

  beforeAll(async () => {
    open = await openModel(loadModelFolder(FIXTURE), { providers: ['cpu'] });
  });
  afterAll(() => closeModel(open));

  it('denoisers match the PyTorch volumes within the stated tolerance', async () => {
    const size = open.model.manifest.inputs.grid.size;
    const out = await runNetworks(open, tensor(golden, 't1'), tensor(golden, 'stir'), size);
    expect(maxAbsDiff(out.denoisedT1, tensor(golden, 'denoised_t1'))).toBeLessThan(golden.tolerance.denoised);
    expect(maxAbsDiff(out.denoisedStir, tensor(golden, 'denoised_stir'))).toBeLessThan(
      golden.tolerance.denoised,
    );
  });

  it('the classifier on the golden denoised pair matches probabilities and Grad-CAM', async () => {
    const size = open.model.manifest.inputs.grid.size;
    const out = await classify(open, tensor(golden, 'denoised_t1'), tensor(golden, 'denoised_stir'), size);
    expect(maxAbsDiff(out.probabilities, tensor(golden, 'probabilities'))).toBeLessThan(
      golden.tolerance.probabilities,
    );
    const cam = tensor(golden, 'cam');
    expect(out.camShape).toEqual(golden.tensors.cam.shape.slice(1));
    expect(maxAbsDiff(out.cam, cam) / Math.max(...cam)).toBeLessThan(golden.tolerance.camRelative);
  });
});
