import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeFrame,
  loadStackVolume,
  parseDicomBytes,
  readPixelFormat,
  scanPaths,
  storedValueMapper,
  TransferSyntax,
} from '../../../electron/dicom';

/**
 * The DICOM files Debian's python3-pydicom installs: written by others, many vendors, some
 * malformed on purpose. Expectations come from pydicom (and gdcm/dcmtk for JPEG family),
 * computed here by pydicom-expected.py, never typed in by hand.
 */
const CORPUS = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const NATIVE = new Set<string>([
  TransferSyntax.ImplicitLittle,
  TransferSyntax.ExplicitLittle,
  TransferSyntax.ExplicitBig,
  TransferSyntax.DeflatedExplicitLittle,
]);

interface Expected {
  readable: boolean;
  pixels?: boolean;
  decoded?: boolean;
  via?: string;
  bin?: string;
  frames?: number;
  samples?: number;
  photometric?: string;
}

const binDir = mkdtempSync(path.join(tmpdir(), 'sij-corpus-'));
const index: Record<string, Expected> = JSON.parse(
  execFileSync('/usr/bin/python3', [path.join(__dirname, 'pydicom-expected.py'), CORPUS, binDir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 24,
  }),
);
afterAll(() => rmSync(binDir, { recursive: true, force: true }));

const LOSSY_JPEG = new Set<string>([TransferSyntax.JpegBaseline, TransferSyntax.JpegExtended]);

/**
 * 12-bit lossy JPEG goes through our own decoder (exact IDCT), the reference through libjpeg's
 * fixed-point one in gdcm/dcmtk. IEEE 1180 lets each be 1 off the exact transform: at most 2
 * apart, mean difference near 0, and most samples identical.
 */
function expectWithinIdctTolerance(ours: Float64Array, expected: Float64Array, what: string): void {
  let worst = 0;
  let sum = 0;
  let differing = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = ours[i] - expected[i];
    worst = Math.max(worst, Math.abs(d));
    sum += d;
    if (d !== 0) differing++;
  }
  expect(worst, what).toBeLessThanOrEqual(2);
  expect(Math.abs(sum / expected.length), what).toBeLessThan(0.05);
  expect(differing / expected.length, what).toBeLessThan(0.1);
}

const decodedByPydicom = Object.entries(index).filter(([, e]) => e.decoded);

/** Our stored values for every frame, samples interleaved as pydicom returns them. */
async function ourValues(
  file: string,
): Promise<{ values: Float64Array; syntax: string; bitsStored: number }> {
  const parsed = parseDicomBytes(readFileSync(file));
  const pixel = readPixelFormat(parsed, file);
  const map = storedValueMapper(pixel);
  const perFrame = pixel.rows * pixel.columns * pixel.samplesPerPixel;
  const out = new Float64Array(perFrame * pixel.numberOfFrames);
  for (let f = 0; f < pixel.numberOfFrames; f++) {
    const frame = await decodeFrame(parsed.dataSet, pixel, f);
    const n = pixel.rows * pixel.columns;
    const planar = pixel.planarConfiguration === 1 && NATIVE.has(pixel.transferSyntax) && frame.samples > 1;
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < frame.samples; s++) {
        const v = planar ? frame.values[s * n + i] : frame.values[i * frame.samples + s];
        out[f * perFrame + i * frame.samples + s] = map ? map(v) : v;
      }
    }
  }
  return { values: out, syntax: pixel.transferSyntax, bitsStored: pixel.bitsStored };
}

describe('pydicom test corpus', () => {
  it('was decoded by pydicom for a useful number of files', () => {
    expect(decodedByPydicom.length).toBeGreaterThan(40);
  });

  it.each(decodedByPydicom)('%s: our pixel values equal pydicom/gdcm', async (name, e) => {
    const file = path.join(CORPUS, name);
    const expected = new Float64Array(new Uint8Array(readFileSync(path.join(binDir, e.bin!))).buffer);
    let ours: Awaited<ReturnType<typeof ourValues>>;
    try {
      ours = await ourValues(file);
    } catch (err) {
      // Only acceptable when pydicom itself could not decode the file and a repair tool did.
      expect(e.via, `${name}: ${String(err)}`).not.toBe('pydicom');
      expect(String(err)).toMatch(/truncated|not supported|no pixel data/);
      return;
    }
    // JPEG-family colour: decoders differ on YCbCr conversion; compare shape only.
    const jpegColour = e.samples! > 1 && !NATIVE.has(ours.syntax) && ours.syntax !== TransferSyntax.Rle;
    expect(ours.values.length).toBe(expected.length);
    if (jpegColour) return;
    if (LOSSY_JPEG.has(ours.syntax) && ours.bitsStored > 8) {
      expectWithinIdctTolerance(ours.values, expected, `${name} via ${e.via}`);
      return;
    }
    let mismatches = 0;
    for (let i = 0; i < expected.length; i++) if (ours.values[i] !== expected[i]) mismatches++;
    expect(mismatches, `${name} via ${e.via}`).toBe(0);
  });

  it('decodes the 12-bit JPEG extended files (process 4) with our own decoder', async () => {
    for (const name of ['JPEG-lossy.dcm', 'JPGExtended.dcm']) {
      const ours = await ourValues(path.join(CORPUS, name));
      expect(ours.syntax).toBe(TransferSyntax.JpegExtended);
      expect(ours.bitsStored).toBe(12);
      const e = index[name];
      const expected = new Float64Array(new Uint8Array(readFileSync(path.join(binDir, e.bin!))).buffer);
      expectWithinIdctTolerance(ours.values, expected, `${name} via ${e.via}`);
    }
  });

  it('scans the whole corpus without throwing; every unreadable file is named with a reason', async () => {
    const scan = scanPaths([CORPUS]);
    const skipped = new Map(scan.files.skipped.map((s) => [path.basename(s.path), s.reason]));
    for (const s of scan.files.skipped) expect(s.reason.length).toBeGreaterThan(5);
    // Malformed on purpose: each must be reported, none may crash the scan.
    for (const bad of ['rtplan_truncated.dcm', 'meta_missing_tsyntax.dcm', 'README.txt', 'zipMR.gz']) {
      expect(skipped.has(bad), bad).toBe(true);
    }
    expect(skipped.get('rtplan.dcm')).toMatch(/RT Plan/);
    expect(skipped.get('waveform_ecg.dcm')).toMatch(/not an image/);
    // Bare data sets without meta header (pydicom needs force=True) are parsed far enough to
    // know they are RT Ion Plans, not images.
    expect(skipped.get('ExplVR_BigEndNoMeta.dcm')).toMatch(
      /not an image: SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.481\.8/,
    );
    expect(skipped.get('ExplVR_LitEndNoMeta.dcm')).toMatch(
      /not an image: SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.481\.8/,
    );
    // Loading every stack either works or fails with a message that names the file.
    for (const series of scan.studies.flatMap((s) => s.series)) {
      for (const stack of series.stacks) {
        await loadStackVolume(stack).catch((err: Error) =>
          expect(err.message).toMatch(new RegExp(`^${CORPUS}`)),
        );
      }
    }
  });
});
