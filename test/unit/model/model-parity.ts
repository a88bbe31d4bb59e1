// Shared checks for a committed model folder: every listed file has its stated sha256, and the
// three ONNX networks reproduce the PyTorch golden outputs in onnxruntime-node within the
// tolerances that models/training/export.py wrote next to them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxAbs, maxAbsDiff, openSession, readGolden, readTensor, sha256 } from './golden-parity';

export function describeModelParity(folder: string): void {
  describe(`model folder ${path.relative(process.cwd(), folder)}`, () => {
    const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
    const golden = readGolden(folder);

    it('lists every network and file with its true sha256', () => {
      for (const net of Object.values(manifest.networks) as { file: string; sha256: string }[]) {
        expect(sha256(path.join(folder, net.file))).toBe(net.sha256);
      }
      for (const f of manifest.files as { path: string; sha256: string }[]) {
        expect(sha256(path.join(folder, f.path))).toBe(f.sha256);
      }
      expect(manifest.clinicalUse).toBe(false);
      expect(manifest.disclaimer).toMatch(/not for clinical use/i);
      expect(manifest.tasks.map((t: { key: string }) => t.key)).toEqual([
        'active_inflammation',
        'asas_bme',
        'structural',
      ]);
    });

    it('denoisers match PyTorch', async () => {
      for (const [net, input, output] of [
        ['denoiseT1', 't1', 'denoised_t1'],
        ['denoiseStir', 'stir', 'denoised_stir'],
      ]) {
        const session = await openSession(path.join(folder, manifest.networks[net].file));
        const result = await session.run({ input: readTensor(folder, golden, input) });
        const expected = readTensor(folder, golden, output);
        expect(result.output.dims).toEqual(expected.dims);
        expect(maxAbsDiff(result.output.data as Float32Array, expected.data as Float32Array)).toBeLessThan(
          golden.tolerance.denoised,
        );
        await session.release();
      }
    });

    it('classifier probabilities and in-graph Grad-CAM match PyTorch', async () => {
      const session = await openSession(path.join(folder, manifest.networks.classifier.file));
      const result = await session.run({
        t1: readTensor(folder, golden, 'denoised_t1'),
        stir: readTensor(folder, golden, 'denoised_stir'),
      });
      const prob = readTensor(folder, golden, 'probabilities');
      const cam = readTensor(folder, golden, 'cam');
      expect(result.probabilities.dims).toEqual([1, 3]);
      expect(result.cam.dims).toEqual([1, 3, 2, ...manifest.networks.classifier.camGrid]);
      expect(maxAbsDiff(result.probabilities.data as Float32Array, prob.data as Float32Array)).toBeLessThan(
        golden.tolerance.probabilities,
      );
      const camScale = maxAbs(cam.data as Float32Array);
      expect(camScale).toBeGreaterThan(0);
      expect(maxAbsDiff(result.cam.data as Float32Array, cam.data as Float32Array) / camScale).toBeLessThan(
        golden.tolerance.camRelative,
      );
      await session.release();
    });
  });
}
