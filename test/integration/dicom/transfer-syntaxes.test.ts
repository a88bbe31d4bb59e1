import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackVolume, scanPaths, TransferSyntax } from '../../../electron/dicom';
import {
  pattern,
  positionsAlongNormal,
  sliceElements,
  writeSeries,
  type SeriesSpec,
} from '../../fixtures/dicom/series';
import { encodeDicom, Syntax } from '../../fixtures/dicom/writer';

/**
 * Every transfer syntax of issue 2, produced by our native writer or by dcmtk/gdcm encoders.
 * Lossless: values must equal the generator's pattern. Lossy: values must equal what dcmtk/gdcm
 * decompress, as read by pydicom.
 */
const STUDY = '1.2.826.0.1.3680043.9.7433.4.1';
const base: Omit<SeriesSpec, 'seriesUid'> = {
  studyUid: STUDY,
  seriesNumber: 1,
  description: 'syntax',
  rows: 32,
  columns: 40,
  pixelSpacing: [1, 1],
  rowCosine: [1, 0, 0],
  columnCosine: [0, 1, 0],
  positions: positionsAlongNormal([0, 0, 0], [1, 0, 0], [0, 1, 0], 1, 3),
};
const unsigned12: SeriesSpec = { ...base, seriesUid: `${STUDY}.1`, bitsStored: 12 };
const signed16: SeriesSpec = {
  ...base,
  seriesUid: `${STUDY}.2`,
  signed: true,
  pixel: (i, j, k) => pattern(i, j, k) - 2000,
};
/** MR-like: smooth anatomy plus fine texture, odd size so the last blocks are partial. */
const smooth12: SeriesSpec = {
  ...base,
  seriesUid: `${STUDY}.4`,
  rows: 53,
  columns: 77,
  bitsStored: 12,
  pixel: (i, j) => Math.round(2000 + 1500 * Math.sin(i / 9) * Math.cos(j / 7)) + ((i * j) % 23),
};
const unsigned8: SeriesSpec = {
  ...base,
  seriesUid: `${STUDY}.3`,
  bitsAllocated: 8,
  pixel: (i, j) => (i * 5 + j * 3 + ((i * j) % 7)) % 256,
};

interface Variant {
  name: string;
  spec: SeriesSpec;
  syntax: string;
  /** shell tool that makes the variant from the explicit-LE file: [cmd, ...args] (in, out appended) */
  encode?: string[];
  /** tool that decompresses a lossy variant for the independent expectation */
  decode?: string[];
  native?: { syntax: string; part10?: boolean };
  /**
   * Largest |ours - reference| allowed. Only for 12-bit lossy JPEG, which our own decoder reads
   * with an exact IDCT while dcmtk uses libjpeg's fixed-point one: IEEE 1180 lets each be 1 off
   * the exact transform, so 2 out of 4095; the mean difference must stay near 0.
   */
  tolerance?: number;
}

const variants: Variant[] = [
  {
    name: 'implicit-le',
    spec: unsigned12,
    syntax: TransferSyntax.ImplicitLittle,
    native: { syntax: Syntax.implicit },
  },
  {
    name: 'explicit-le',
    spec: unsigned12,
    syntax: TransferSyntax.ExplicitLittle,
    native: { syntax: Syntax.explicit },
  },
  {
    name: 'explicit-be',
    spec: unsigned12,
    syntax: TransferSyntax.ExplicitBig,
    native: { syntax: Syntax.bigEndian },
  },
  {
    name: 'explicit-be-signed',
    spec: signed16,
    syntax: TransferSyntax.ExplicitBig,
    native: { syntax: Syntax.bigEndian },
  },
  {
    name: 'explicit-be-8bit',
    spec: unsigned8,
    syntax: TransferSyntax.ExplicitBig,
    native: { syntax: Syntax.bigEndian },
  },
  {
    name: 'deflated',
    spec: unsigned12,
    syntax: TransferSyntax.DeflatedExplicitLittle,
    native: { syntax: Syntax.deflated },
  },
  {
    name: 'bare-implicit',
    spec: unsigned12,
    syntax: TransferSyntax.ImplicitLittle,
    native: { syntax: Syntax.implicit, part10: false },
  },
  {
    name: 'bare-explicit',
    spec: signed16,
    syntax: TransferSyntax.ExplicitLittle,
    native: { syntax: Syntax.explicit, part10: false },
  },
  { name: 'rle', spec: unsigned12, syntax: TransferSyntax.Rle, encode: ['dcmcrle'] },
  { name: 'rle-signed', spec: signed16, syntax: TransferSyntax.Rle, encode: ['dcmcrle'] },
  { name: 'rle-8bit', spec: unsigned8, syntax: TransferSyntax.Rle, encode: ['dcmcrle'] },
  {
    name: 'jpeg-lossless-sv1',
    spec: unsigned12,
    syntax: TransferSyntax.JpegLosslessSV1,
    encode: ['dcmcjpeg', '+e1'],
  },
  {
    name: 'jpeg-lossless-p14',
    spec: unsigned12,
    syntax: TransferSyntax.JpegLosslessProcess14,
    encode: ['dcmcjpeg', '+el', '+sv', '4'],
  },
  {
    name: 'jpeg-lossless-signed',
    spec: signed16,
    syntax: TransferSyntax.JpegLosslessSV1,
    encode: ['dcmcjpeg', '+e1'],
  },
  {
    name: 'jpeg-baseline',
    spec: unsigned8,
    syntax: TransferSyntax.JpegBaseline,
    encode: ['dcmcjpeg', '+eb'],
    decode: ['dcmdjpeg'],
  },
  {
    name: 'jpeg-extended-8bit',
    spec: unsigned8,
    syntax: TransferSyntax.JpegExtended,
    encode: ['dcmcjpeg', '+ee'],
    decode: ['dcmdjpeg'],
  },
  {
    name: 'jpeg-extended-12bit',
    spec: smooth12,
    syntax: TransferSyntax.JpegExtended,
    encode: ['dcmcjpeg', '+ee'],
    decode: ['dcmdjpeg'],
    tolerance: 2,
  },
  {
    name: 'jpeg-extended-12bit-q100',
    spec: smooth12,
    syntax: TransferSyntax.JpegExtended,
    encode: ['dcmcjpeg', '+ee', '+q', '100'],
    decode: ['dcmdjpeg'],
    tolerance: 2,
  },
  {
    name: 'jpeg-baseline-from-12bit',
    spec: smooth12,
    syntax: TransferSyntax.JpegBaseline,
    encode: ['dcmcjpeg', '+eb'],
    decode: ['dcmdjpeg'],
  },
  { name: 'jpeg-ls-lossless', spec: unsigned12, syntax: TransferSyntax.JpegLsLossless, encode: ['dcmcjpls'] },
  { name: 'jpeg-ls-signed', spec: signed16, syntax: TransferSyntax.JpegLsLossless, encode: ['dcmcjpls'] },
  {
    name: 'jpeg-ls-near',
    spec: unsigned12,
    syntax: TransferSyntax.JpegLsNearLossless,
    encode: ['dcmcjpls', '+en'],
    decode: ['dcmdjpls'],
  },
  {
    name: 'j2k-lossless',
    spec: unsigned12,
    syntax: TransferSyntax.Jpeg2000Lossless,
    encode: ['gdcmconv', '--j2k'],
  },
  {
    name: 'j2k-signed',
    spec: signed16,
    syntax: TransferSyntax.Jpeg2000Lossless,
    encode: ['gdcmconv', '--j2k'],
  },
  {
    name: 'j2k-lossy',
    spec: unsigned12,
    syntax: TransferSyntax.Jpeg2000,
    encode: ['gdcmconv', '--j2k', '--lossy', '-q', '40'],
    decode: ['gdcmconv', '--raw'],
  },
];

let dir: string;
const files = new Map<string, string>();
const lossyExpected = new Map<string, number[]>();

function expectedPattern(spec: SeriesSpec): number[] {
  const px = spec.pixel ?? pattern;
  const out: number[] = [];
  for (let j = 0; j < spec.rows; j++) for (let i = 0; i < spec.columns; i++) out.push(px(i, j, 0));
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-syntax-'));
  const sources = new Map<SeriesSpec, string>();
  for (const spec of [unsigned12, signed16, unsigned8, smooth12]) {
    sources.set(spec, writeSeries(path.join(dir, `src-${spec.seriesUid}`), spec)[0]);
  }
  const decompressed: { name: string; file: string }[] = [];
  for (const v of variants) {
    const out = path.join(dir, v.name, 'file');
    mkdirSync(path.dirname(out), { recursive: true });
    if (v.native) writeFileSync(out, encodeDicom(sliceElements(v.spec, 0), v.native));
    else {
      const [cmd, ...args] = v.encode!;
      execFileSync(cmd, [...args, sources.get(v.spec)!, out], { stdio: 'pipe' });
    }
    files.set(v.name, out);
    if (v.decode) {
      const raw = path.join(dir, `${v.name}.raw.dcm`);
      const [cmd, ...args] = v.decode;
      execFileSync(cmd, [...args, out, raw], { stdio: 'pipe' });
      decompressed.push({ name: v.name, file: raw });
    }
  }
  const script = `
import json, sys, pydicom
print(json.dumps({r["name"]: pydicom.dcmread(r["file"]).pixel_array.ravel().tolist() for r in json.loads(sys.argv[1])}))`;
  const arrays = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(decompressed)], { encoding: 'utf8' }),
  );
  for (const [name, values] of Object.entries(arrays)) lossyExpected.set(name, values as number[]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('transfer syntaxes', () => {
  it.each(variants.map((v) => [v.name, v] as const))(
    '%s decodes to the expected values',
    async (_name, v) => {
      const scan = scanPaths([files.get(v.name)!]);
      expect(scan.files.skipped).toEqual([]);
      const stack = scan.studies[0].series[0].stacks[0];
      expect(stack.slices[0].pixel.transferSyntax).toBe(v.syntax);
      const volume = await loadStackVolume(stack);
      const expected = v.decode ? lossyExpected.get(v.name)! : expectedPattern(v.spec);
      expect(expected).toHaveLength(volume.data.length);
      if (v.tolerance === undefined) {
        const mismatches = expected.filter((e, i) => volume.data[i] !== e).length;
        expect(mismatches).toBe(0);
      } else {
        const differences = expected.map((e, i) => volume.data[i] - e);
        const worst = Math.max(...differences.map(Math.abs));
        const mean = differences.reduce((a, b) => a + b, 0) / differences.length;
        expect(worst).toBeLessThanOrEqual(v.tolerance);
        expect(Math.abs(mean)).toBeLessThan(0.05);
        // Most samples agree exactly: the two IDCTs round differently only near half-integers.
        expect(differences.filter((d) => d !== 0).length / differences.length).toBeLessThan(0.1);
      }
      if (v.decode) {
        // The lossy variant really is lossy: it must differ from the original somewhere.
        const original = expectedPattern(v.spec);
        expect(expected.some((e, i) => e !== original[i])).toBe(true);
      }
    },
  );
});
