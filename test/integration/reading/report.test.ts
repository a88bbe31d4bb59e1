import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  renderKeyImage,
  renderReportHtml,
  renderReportPdf,
  reportContent,
  type Reading,
} from '../../../electron/reading';
import type { Volume } from '../../../electron/imaging';
import { signedReadingFixture } from './signedFixture';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-reading-report-'));

/** 32 x 32 x 3 ramp image, 1 mm voxels at the origin; a CAM on a 4 x 4 x 1 grid of 8 mm voxels, hot only in its top-left voxel. */
function volumes(): { image: Volume; cam: Volume } {
  const image: Volume = {
    dims: [32, 32, 3],
    spacing: [1, 1, 1],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    data: new Float32Array(32 * 32 * 3),
  };
  for (let k = 0; k < 3; k++)
    for (let j = 0; j < 32; j++) for (let i = 0; i < 32; i++) image.data[i + 32 * (j + 32 * k)] = i * 10;
  const cam: Volume = {
    dims: [4, 4, 1],
    spacing: [8, 8, 8],
    affine: [8, 0, 0, 0, 0, 8, 0, 0, 0, 0, 8, 1, 0, 0, 0, 1],
    data: new Float32Array(16),
  };
  cam.data[0] = 1;
  return { image, cam };
}

describe('key images', () => {
  it('draws grey levels, and the CAM through patient space only where it is above threshold', () => {
    const { image, cam } = volumes();
    const plain = PNG.sync.read(renderKeyImage({ volume: image, slice: 1 }));
    const px = (png: PNG, i: number, j: number) =>
      Array.from(png.data.subarray(4 * (i + 32 * j), 4 * (i + 32 * j) + 3));
    // grey: R = G = B, increasing left to right
    expect(px(plain, 5, 5)[0]).toBe(px(plain, 5, 5)[1]);
    expect(px(plain, 20, 5)[0]).toBeGreaterThan(px(plain, 5, 5)[0]);
    // the CAM's voxel 0 covers patient x, y in [0, 8) around its centre (0, 0) -> image pixels ~0..3 are hot;
    // slice 1 is at z = 1 = the CAM plane. Pixel (1, 1) is coloured, pixel (20, 20) (CAM value 0) is not.
    const withCam = PNG.sync.read(renderKeyImage({ volume: image, slice: 1, cam, camThreshold: 0.2 }));
    const hot = px(withCam, 1, 1);
    expect(hot[0] === hot[1] && hot[1] === hot[2]).toBe(false);
    expect(px(withCam, 20, 20)).toEqual(px(plain, 20, 20));
    expect(() => renderKeyImage({ volume: image, slice: 3 })).toThrow(/outside 0..2/);
  });

  it('on a fixed scale (a lesion probability, 0 to 1) a faint map stays below the threshold and is not drawn', () => {
    const { image, cam } = volumes();
    cam.data[0] = 0.1; // a 10% probability: on its own maximum it would be the hottest colour
    const px = (png: PNG) => Array.from(png.data.subarray(4 * (1 + 32), 4 * (1 + 32) + 3));
    const plain = px(PNG.sync.read(renderKeyImage({ volume: image, slice: 1 })));
    const ownMax = px(PNG.sync.read(renderKeyImage({ volume: image, slice: 1, cam, camThreshold: 0.2 })));
    const fixed = px(
      PNG.sync.read(renderKeyImage({ volume: image, slice: 1, cam, camThreshold: 0.2, camMax: 1 })),
    );
    expect(ownMax).not.toEqual(plain);
    expect(fixed).toEqual(plain);
  });
});

describe('report', () => {
  it('PDF and HTML carry judgements with verdicts and reasons, scores, model identity and warning, signature', async () => {
    const { image, cam } = volumes();
    const r: Reading = signedReadingFixture();
    const content = reportContent(r, [
      { caption: 'T1, image 2', png: renderKeyImage({ volume: image, slice: 1 }) },
      { caption: 'T1, image 2, Grad-CAM structural', png: renderKeyImage({ volume: image, slice: 1, cam }) },
    ]);
    const pdf = await renderReportPdf(content, { softwareVersion: '0.1.0' });
    const file = path.join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const html = renderReportHtml(content);
    for (const expected of [
      'NOT FOR CLINICAL USE',
      'Demonstration model trained on synthetic data only',
      'overridden: Mimic – osteitis condensans ilii',
      'accepted',
      '3 / 72',
      '1 / 120',
      'sij-demo-synthetic 0.1.0',
      'Electronically signed by Dr. Ada Reader, Consultant radiologist on 2026-11-30 10:05:00 UTC',
      'Doe^Jane',
      'Key images',
    ]) {
      expect(text).toContain(expected);
      expect(html).toContain(expected);
    }
    expect(html.match(/data:image\/png;base64/g)).toHaveLength(2);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(text).toContain(`page 1 of ${pages}`);
  });

  it('a draft says so on every page and has no signature', async () => {
    const draft = { ...signedReadingFixture(), status: 'draft' as const, signer: null, signedAt: null };
    const file = path.join(dir, 'draft.pdf');
    writeFileSync(file, await renderReportPdf(reportContent(draft), { softwareVersion: '0.1.0' }));
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain('DRAFT – NOT SIGNED');
    expect(text).not.toContain('Electronically signed');
  });
});
