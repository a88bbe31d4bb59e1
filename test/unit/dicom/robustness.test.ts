import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackVolume, scanPaths, type ScanResult } from '../../../electron/dicom';
import { positionsAlongNormal, writeSeries } from '../../fixtures/dicom/series';
import { Syntax } from '../../fixtures/dicom/writer';

/**
 * A folder of damaged files: every prefix-truncation point class, bytes flipped across the
 * header, empty files, a symlink loop, non-image objects. The scan must finish, account for
 * every file, and give each skipped one a reason; loading must fail only with the file named.
 */
const STUDY = '1.2.826.0.1.3680043.9.7433.9.1';
let dir: string;
let files: string[];
let scan: ScanResult;

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-robust-'));
  const good = path.join(dir, 'good');
  const spec = {
    studyUid: STUDY,
    seriesUid: `${STUDY}.1`,
    seriesNumber: 1,
    description: 'good',
    rows: 16,
    columns: 16,
    pixelSpacing: [1, 1] as [number, number],
    rowCosine: [1, 0, 0] as [number, number, number],
    columnCosine: [0, 1, 0] as [number, number, number],
    positions: positionsAlongNormal([0, 0, 0], [1, 0, 0], [0, 1, 0], 4, 2),
  };
  const sources = [
    ...writeSeries(good, spec),
    writeSeries(
      path.join(dir, 'src-implicit'),
      { ...spec, seriesUid: `${STUDY}.2` },
      { syntax: Syntax.implicit },
    )[0],
    writeSeries(
      path.join(dir, 'src-be'),
      { ...spec, seriesUid: `${STUDY}.3` },
      { syntax: Syntax.bigEndian },
    )[0],
  ];
  const bad = path.join(dir, 'bad');
  mkdirSync(bad);
  const random = rng(42);
  let n = 0;
  for (const src of sources) {
    const bytes = readFileSync(src);
    for (let t = 0; t < 12; t++) {
      writeFileSync(path.join(bad, `trunc-${n++}`), bytes.subarray(0, Math.floor(random() * bytes.length)));
    }
    for (let t = 0; t < 12; t++) {
      const copy = Buffer.from(bytes);
      const at = Math.floor(random() * Math.min(copy.length, 900));
      for (let k = 0; k < 4; k++) copy[at + k] = Math.floor(random() * 256);
      writeFileSync(path.join(bad, `flip-${n++}`), copy);
    }
  }
  // Large enough that the scan reads only its header: truncation must still be noticed.
  const big = writeSeries(path.join(dir, 'src-big'), {
    ...spec,
    seriesUid: `${STUDY}.4`,
    rows: 300,
    columns: 300,
  })[0];
  const bigBytes = readFileSync(big);
  writeFileSync(path.join(bad, 'big-truncated'), bigBytes.subarray(0, bigBytes.length - 1000));
  writeFileSync(path.join(bad, 'empty'), Buffer.alloc(0));
  writeFileSync(path.join(bad, 'preamble-only'), Buffer.concat([Buffer.alloc(128), Buffer.from('DICM')]));
  copyFileSync('/usr/lib/python3/dist-packages/pydicom/data/test_files/rtplan.dcm', path.join(bad, 'rtplan'));
  copyFileSync('/usr/lib/python3/dist-packages/pydicom/data/test_files/test-SR.dcm', path.join(bad, 'sr'));
  symlinkSync(dir, path.join(bad, 'loop'));
  scan = scanPaths([dir]);
  files = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a folder of damaged files', () => {
  it('is read to the end: every file is read or skipped with a reason', () => {
    const skipped = new Map(scan.files.skipped.map((s) => [s.path, s.reason]));
    expect(scan.files.read + scan.files.skipped.length).toBe(files.length);
    for (const s of scan.files.skipped) expect(s.reason).toMatch(/\w{4,}/);
    expect(skipped.get(path.join(dir, 'bad', 'empty'))).toMatch(/not a DICOM file/);
    expect(skipped.get(path.join(dir, 'bad', 'big-truncated'))).toMatch(
      /truncated: pixel data needs 180000 bytes/,
    );
    expect(skipped.get(path.join(dir, 'bad', 'rtplan'))).toMatch(/RT Plan/);
    expect(skipped.get(path.join(dir, 'bad', 'sr'))).toMatch(/not an image/);
    // The intact series is still complete.
    const good = scan.studies.flatMap((s) => s.series).find((s) => s.seriesInstanceUid === `${STUDY}.1`)!;
    expect(good.stacks[0].slices.length).toBe(4);
  });

  it('loads every stack or fails naming the file', async () => {
    for (const stack of scan.studies.flatMap((s) => s.series).flatMap((s) => s.stacks)) {
      try {
        const v = await loadStackVolume(stack);
        expect(v.data.length).toBe(v.dims[0] * v.dims[1] * v.dims[2]);
      } catch (err) {
        expect((err as Error).message.startsWith(dir)).toBe(true);
      }
    }
  });
});
