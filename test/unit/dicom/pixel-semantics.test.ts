import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackVolume, scanPaths, type DicomStack } from '../../../electron/dicom';
import { frameToFloat } from '../../../electron/dicom/load';
import { voxelToPatient } from '../../../electron/imaging/volume';
import { enhancedMr } from '../../fixtures/dicom/enhanced';
import {
  positionsAlongNormal,
  sliceElements,
  writeSeries,
  type SeriesSpec,
} from '../../fixtures/dicom/series';
import { encodeDicom } from '../../fixtures/dicom/writer';

const STUDY = '1.2.826.0.1.3680043.9.7433.5.1';
let dir: string;
const base: Omit<SeriesSpec, 'seriesUid'> = {
  studyUid: STUDY,
  seriesNumber: 1,
  description: 'semantics',
  rows: 4,
  columns: 4,
  pixelSpacing: [1, 1],
  rowCosine: [1, 0, 0],
  columnCosine: [0, 1, 0],
  positions: positionsAlongNormal([0, 0, 0], [1, 0, 0], [0, 1, 0], 2, 2),
};

// Worked examples: stored words with junk above Bits Stored (overlay bits in old files).
const unsignedWords = [0x0000, 0x0fff, 0xf001, 0x1234];
const signedWords = [0x0000, 0x07ff, 0x0800, 0xffff, 0x0fff, 0xf7ff];
const wideWord = (i: number, j: number): number => (i + 40 * j === 777 ? 0xa000 : 0) | ((i * j) & 0xfff);
const stirPositions = positionsAlongNormal([10, -20, 30], [1, 0, 0], [0, 0.5, -Math.sqrt(3) / 2], 5, 3.5);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-px-'));
  const one = (name: string, spec: SeriesSpec): void => {
    writeSeries(path.join(dir, name), spec);
  };
  one('decimal-rescale', {
    ...base,
    seriesUid: `${STUDY}.1`,
    pixel: (i) => i * 10,
    rescale: { slope: ' 5E-1 ', intercept: '-1024.0' },
  });
  one('empty-rescale', {
    ...base,
    seriesUid: `${STUDY}.2`,
    pixel: (i) => i,
    rescale: { slope: '', intercept: '' },
  });
  one('mono1', {
    ...base,
    seriesUid: `${STUDY}.3`,
    bitsStored: 12,
    pixel: (i) => i * 1000,
    rescale: { slope: '2', intercept: '10' },
    extra: [{ tag: 0x00280004, vr: 'CS', value: 'MONOCHROME1' }],
  });
  one('unsigned12', {
    ...base,
    seriesUid: `${STUDY}.4`,
    bitsStored: 12,
    pixel: (i, j) => unsignedWords[(i + 4 * j) % 4],
  });
  // Signed 12-bit in 16-bit words, written as raw words to keep the junk bits.
  one('signed12', {
    ...base,
    seriesUid: `${STUDY}.5`,
    signed: true,
    bitsStored: 12,
    pixel: (i, j) => (signedWords[(i + 4 * j) % 6] << 16) >> 16,
  });
  // 40x40 = 3,200 bytes of samples, all in the SIMD part of the bits-above check; the one junk
  // word sits in the middle of the frame.
  one('unsigned12-wide', {
    ...base,
    seriesUid: `${STUDY}.10`,
    rows: 40,
    columns: 40,
    bitsStored: 12,
    pixel: (i, j) => wideWord(i, j),
  });
  one('mosaic', {
    ...base,
    seriesUid: `${STUDY}.6`,
    extra: [{ tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\M\\ND\\MOSAIC' }],
  });
  // One series, two image sizes.
  one('mixed-a', { ...base, seriesUid: `${STUDY}.7` });
  one('mixed-b', {
    ...base,
    seriesUid: `${STUDY}.7`,
    rows: 6,
    columns: 6,
    positions: positionsAlongNormal([0, 0, 10], [1, 0, 0], [0, 1, 0], 2, 2),
    sopUid: (k) => `${STUDY}.7.b.${k}`,
  });
  writeFileSync(
    path.join(dir, 'enhanced.dcm'),
    encodeDicom(
      enhancedMr({
        studyUid: STUDY,
        seriesUid: `${STUDY}.8`,
        rows: 4,
        columns: 5,
        pixelSpacing: [0.8, 0.6],
        orientation: [1, 0, 0, 0, 0.5, -Math.sqrt(3) / 2],
        positions: stirPositions,
        frameOrder: [3, 0, 4, 1, 2],
        pixel: (i, j, slice) => 100 * slice + i + 10 * j,
        rescale: { slope: 2, intercept: -5 },
      }),
    ),
  );
  // Classic multi-frame without per-frame geometry.
  const multi = sliceElements({ ...base, seriesUid: `${STUDY}.9`, rows: 2, columns: 2 }, 0);
  const words = new Uint16Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  multi.push({ tag: 0x00280008, vr: 'IS', value: '3' });
  multi.splice(
    multi.findIndex((e) => e.tag === 0x7fe00010),
    1,
    { tag: 0x7fe00010, vr: 'OW', value: words },
  );
  writeFileSync(path.join(dir, 'classic-multiframe.dcm'), encodeDicom(multi));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(seriesUid: string): Promise<{ stack: DicomStack; data: Float32Array }> {
  const scan = scanPaths([dir]);
  const series = scan.studies.flatMap((s) => s.series).find((s) => s.seriesInstanceUid === seriesUid)!;
  const stack = series.stacks[0];
  return { stack, data: (await loadStackVolume(stack)).data };
}

describe('pixel semantics', () => {
  it('parses decimal rescale strings with spaces and exponents', async () => {
    const { data } = await load(`${STUDY}.1`);
    expect(Array.from(data.subarray(0, 4))).toEqual([-1024, -1019, -1014, -1009]);
  });

  it('treats empty rescale values as slope 1, intercept 0', async () => {
    const { data } = await load(`${STUDY}.2`);
    expect(Array.from(data.subarray(0, 4))).toEqual([0, 1, 2, 3]);
  });

  it('mirrors MONOCHROME1 so brighter means higher: out = (4095 - stored) * slope + intercept', async () => {
    const { data } = await load(`${STUDY}.3`);
    expect(Array.from(data.subarray(0, 4))).toEqual([0, 1000, 2000, 3000].map((s) => (4095 - s) * 2 + 10));
  });

  it('masks bits above Bits Stored (unsigned)', async () => {
    const { data } = await load(`${STUDY}.4`);
    expect(Array.from(data.subarray(0, 4))).toEqual([0x000, 0xfff, 0x001, 0x234]);
  });

  it('masks bits above Bits Stored in a frame large enough for the SIMD check', async () => {
    const { data } = await load(`${STUDY}.10`);
    const expected = Array.from({ length: 1600 }, (_, p) => wideWord(p % 40, Math.floor(p / 40)) & 0xfff);
    expect(Array.from(data.subarray(0, 1600))).toEqual(expected);
  });

  it('sign-extends from the stored high bit (signed 12-bit)', async () => {
    const { data } = await load(`${STUDY}.5`);
    expect(Array.from(data.subarray(0, 6))).toEqual([0, 2047, -2048, -1, -1, 2047]);
  });

  it('reports a Siemens mosaic as unsupported with the reason', () => {
    const scan = scanPaths([path.join(dir, 'mosaic')]);
    expect(scan.studies).toEqual([]);
    expect(scan.files.skipped[0].reason).toMatch(/mosaic.*not supported.*CSA/);
  });

  it('splits a series with two image sizes into stacks and says so', () => {
    const scan = scanPaths([path.join(dir, 'mixed-a'), path.join(dir, 'mixed-b')]);
    const stacks = scan.studies[0].series[0].stacks;
    expect(stacks.map((s) => `${s.columns}x${s.rows}`).sort()).toEqual(['4x4', '6x6']);
    expect(stacks[0].problems.join(' ')).toMatch(/mixes image sizes/);
  });

  it('reads Enhanced MR geometry, rescale and timing from the functional groups', async () => {
    const { stack, data } = await load(`${STUDY}.8`);
    expect(stack.slices).toHaveLength(5);
    expect(stack.problems).toEqual([]);
    expect(stack.spacing.map((s) => Number(s.toFixed(4)))).toEqual([0.6, 0.8, 3.5]);
    expect(stack.semicoronal).toBe(true);
    expect(stack.tiltDegrees).toBeCloseTo(30, 2);
    stirPositions.forEach((p, k) => {
      const w = voxelToPatient(stack.affine, [0, 0, k]);
      for (let a = 0; a < 3; a++) expect(w[a]).toBeCloseTo(p[a], 4);
    });
    // Frames were stored in the order 3,0,4,1,2; the volume is in spatial order.
    for (let k = 0; k < 5; k++) expect(data[k * 20 + 2 + 5 * 1]).toBe((100 * k + 2 + 10) * 2 - 5);
    expect(stack.role.role).toBe('stir');
    expect(stack.role.evidence.join(' ')).toMatch(/TI 155/);
  });

  it('stacks a classic multi-frame without positions in frame order and flags the geometry', async () => {
    const { stack, data } = await load(`${STUDY}.9`);
    expect(stack.dims).toEqual([2, 2, 3]);
    expect(stack.problems.join(' ')).toMatch(/geometry unknown/);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});

describe('masking bits above Bits Stored, wherever the junk sample sits', () => {
  // A 3x3 frame (odd sample count) of 12-bit values in 16-bit words, viewed at a 4-byte
  // aligned offset and at a 2-mod-4 one; the junk word is first, in the middle, or last.
  const pixel = {
    transferSyntax: '1.2.840.10008.1.2.1',
    rows: 3,
    columns: 3,
    bitsAllocated: 16,
    bitsStored: 12,
    pixelRepresentation: 0,
    samplesPerPixel: 1,
    photometric: 'MONOCHROME2',
    planarConfiguration: 0,
    numberOfFrames: 1,
    sampleKind: 'int' as const,
  };
  const slice = { path: 'x', frame: 0, sopInstanceUid: '1', rescaleSlope: 1, rescaleIntercept: 0, pixel };
  it.each([
    [0, 0],
    [0, 4],
    [0, 8],
    [2, 0],
    [2, 4],
    [2, 8],
  ])('byte offset %i, junk at sample %i', (byteOffset, junkAt) => {
    const words = new Uint16Array(new ArrayBuffer(byteOffset + 18), byteOffset, 9);
    words.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    words[junkAt] |= 0xa000; // an overlay bit pattern above bit 11
    const out = new Float32Array(9);
    frameToFloat({ values: words, samples: 1 }, slice, out, 0);
    expect(Array.from(out)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
