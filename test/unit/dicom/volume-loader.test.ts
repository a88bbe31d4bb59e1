import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths, StackVolumeLoader, type DicomStack } from '../../../electron/dicom';
import { pattern, positionsAlongNormal, writeSeries, type SeriesSpec } from '../../fixtures/dicom/series';

const STUDY = '1.2.826.0.1.3680043.9.7433.6.1';
const spec = (n: number, over: Partial<SeriesSpec> = {}): SeriesSpec => ({
  studyUid: STUDY,
  seriesUid: `${STUDY}.${n}`,
  seriesNumber: n,
  description: `series ${n}`,
  rows: 12,
  columns: 10,
  pixelSpacing: [0.8, 0.7],
  rowCosine: [1, 0, 0],
  columnCosine: [0, 1, 0],
  positions: positionsAlongNormal([0, 0, 0], [1, 0, 0], [0, 1, 0], 6, 3),
  ...over,
});

let dir: string;
let stacks: Map<string, DicomStack>;
let loader: StackVolumeLoader;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-loader-'));
  writeSeries(path.join(dir, 'a'), spec(1));
  writeSeries(path.join(dir, 'b'), spec(2, { rescale: { slope: '2', intercept: '-100' } }));
  const damaged = writeSeries(path.join(dir, 'c'), spec(3));
  stacks = new Map(
    scanPaths([dir])
      .studies.flatMap((s) => s.series)
      .map((s) => [s.seriesInstanceUid, s.stacks[0]]),
  );
  // Cut the pixel data of one slice after the scan, as a file damaged between import and opening.
  truncateSync(damaged[2], statSync(damaged[2]).size - 100);
  loader = new StackVolumeLoader(2);
});
afterAll(async () => {
  await loader.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StackVolumeLoader', () => {
  it('loads two stacks asked for together into the written values, rescaled', async () => {
    const [a, b] = await Promise.all([
      loader.load(stacks.get(`${STUDY}.1`)!),
      loader.load(stacks.get(`${STUDY}.2`)!),
    ]);
    expect(a.dims).toEqual([10, 12, 6]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(a.data.length).toBe(10 * 12 * 6);
    const expectedA = Array.from(a.data, (_, p) =>
      pattern(p % 10, Math.floor(p / 10) % 12, Math.floor(p / 120)),
    );
    expect(Array.from(a.data)).toEqual(expectedA);
    expect(Array.from(b.data)).toEqual(expectedA.map((v) => 2 * v - 100));
  }, 30_000);

  it('rejects with the damaged file named and keeps serving', async () => {
    await expect(loader.load(stacks.get(`${STUDY}.3`)!)).rejects.toThrow(/c[/\\].*truncated/);
    const again = await loader.load(stacks.get(`${STUDY}.1`)!);
    expect(again.data[1]).toBe(pattern(1, 0, 0));
  }, 30_000);

  it('refuses loads once closed', async () => {
    const closing = new StackVolumeLoader(1);
    await closing.close();
    await expect(closing.load(stacks.get(`${STUDY}.1`)!)).rejects.toThrow(/closed/);
  });
});
