import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJpegDct, jpegPrecision } from '../../../electron/dicom/codecs/jpeg-dct';

/**
 * Our sequential DCT decoder on streams made by libjpeg-turbo's cjpeg (restart intervals,
 * subsampled interleaved scans, one scan per component), compared with what its djpeg decodes.
 * cjpeg here is 8-bit; the 12-bit path differs only in level shift and clamp, and is compared
 * with dcmtk on DICOM files in transfer-syntaxes.test.ts.
 *
 * Tolerance: djpeg's default IDCT ("islow") is a fixed-point approximation; ours is exact in
 * double precision. IEEE 1180 lets a compliant IDCT be off by 1 from the exact transform, so
 * two decoders may differ by up to 2 per sample; the mean difference must stay near zero.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'sij-jpegdct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const WIDTH = 61;
const HEIGHT = 37;

function pnm(file: string, channels: 1 | 3, value: (x: number, y: number, c: number) => number): void {
  const header = `${channels === 1 ? 'P5' : 'P6'}\n${WIDTH} ${HEIGHT}\n255\n`;
  const body = new Uint8Array(WIDTH * HEIGHT * channels);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++)
      for (let c = 0; c < channels; c++) body[(y * WIDTH + x) * channels + c] = value(x, y, c);
  writeFileSync(file, Buffer.concat([Buffer.from(header, 'latin1'), body]));
}

/** Samples of a binary PGM/PPM as djpeg writes it, split into planes. */
function readPnm(bytes: Buffer): { width: number; height: number; planes: Uint8Array[] } {
  const text = bytes.subarray(0, 32).toString('latin1');
  const m = /^P([56])\s+(\d+)\s+(\d+)\s+255\s/.exec(text);
  if (!m) throw new Error('not a binary PNM');
  const channels = m[1] === '5' ? 1 : 3;
  const width = Number(m[2]);
  const height = Number(m[3]);
  const data = bytes.subarray(m[0].length);
  const planes = Array.from({ length: channels }, (_, c) =>
    Uint8Array.from({ length: width * height }, (_, i) => data[i * channels + c]),
  );
  return { width, height, planes };
}

const smooth = (x: number, y: number, c: number): number =>
  Math.round(128 + 90 * Math.sin(x / 7 + c) * Math.cos(y / 5 - c)) + ((x * y + c * 5) % 9);
const grey = path.join(dir, 'grey.pgm');
const colour = path.join(dir, 'colour.ppm');
pnm(grey, 1, smooth);
pnm(colour, 3, smooth);
const perComponentScans = path.join(dir, 'scans.txt');
writeFileSync(perComponentScans, '0;\n1;\n2;\n');

function cjpeg(name: string, input: string, args: string[]): string {
  const out = path.join(dir, `${name}.jpg`);
  execFileSync('cjpeg', [...args, '-outfile', out, input], { stdio: 'pipe' });
  return out;
}

function djpeg(jpeg: string, args: string[] = []): ReturnType<typeof readPnm> {
  return readPnm(execFileSync('djpeg', ['-pnm', ...args, jpeg], { maxBuffer: 1 << 24 }));
}

function markerCount(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = 0; i + 1 < bytes.length; i++)
    if (bytes[i] === 0xff && bytes[i + 1] >= from && bytes[i + 1] <= to) n++;
  return n;
}

function expectClose(ours: Uint16Array, reference: Uint8Array, what: string): void {
  expect(ours.length, what).toBe(reference.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = ours[i] - reference[i];
    max = Math.max(max, Math.abs(d));
    sum += d;
  }
  expect(max, `${what}: max |difference|`).toBeLessThanOrEqual(2);
  expect(Math.abs(sum / ours.length), `${what}: mean difference`).toBeLessThan(0.05);
}

describe('sequential DCT decoder on cjpeg streams', () => {
  it('greyscale with a restart marker every 3 MCUs', () => {
    const file = cjpeg('grey-restart', grey, ['-grayscale', '-quality', '85', '-restart', '3B']);
    const bytes = readFileSync(file);
    expect(markerCount(bytes, 0xd0, 0xd7)).toBeGreaterThan(5); // the stream really has restarts
    expect(jpegPrecision(bytes)).toBe(8);
    const image = decodeJpegDct(bytes);
    expect([image.width, image.height, image.components.length]).toEqual([WIDTH, HEIGHT, 1]);
    expectClose(image.components[0].samples, djpeg(file).planes[0], 'grey');
  });

  it('YCbCr 4:2:0 in one interleaved scan with restarts: luma equals djpeg', () => {
    const file = cjpeg('ycc420', colour, ['-sample', '2x2,1x1,1x1', '-restart', '2B']);
    const image = decodeJpegDct(readFileSync(file));
    expect(image.components.map((c) => [c.width, c.height])).toEqual([
      [WIDTH, HEIGHT],
      [Math.ceil(WIDTH / 2), Math.ceil(HEIGHT / 2)],
      [Math.ceil(WIDTH / 2), Math.ceil(HEIGHT / 2)],
    ]);
    // djpeg -grayscale outputs the Y component as decoded, without colour conversion.
    expectClose(image.components[0].samples, djpeg(file, ['-grayscale']).planes[0], 'Y');
  });

  it('RGB coded as one scan per component: every plane equals djpeg', () => {
    const file = cjpeg('rgb-scans', colour, ['-rgb', '-sample', '1x1,1x1,1x1', '-scans', perComponentScans]);
    expect(markerCount(readFileSync(file), 0xda, 0xda)).toBe(3);
    const image = decodeJpegDct(readFileSync(file));
    const reference = djpeg(file);
    image.components.forEach((c, i) => expectClose(c.samples, reference.planes[i], `component ${i}`));
  });

  it('names the process it does not decode, and data that ends early', () => {
    const progressive = cjpeg('progressive', grey, ['-grayscale', '-progressive']);
    expect(() => decodeJpegDct(readFileSync(progressive))).toThrow(
      /progressive DCT process is not supported/,
    );
    const whole = readFileSync(cjpeg('grey', grey, ['-grayscale']));
    expect(() => decodeJpegDct(whole.subarray(0, whole.length >> 1))).toThrow(/ends early/);
    expect(() => decodeJpegDct(Uint8Array.from([0, 1, 2]))).toThrow(/does not start with SOI/);
  });
});
