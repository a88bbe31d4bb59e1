import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { loadStackVolume, scanPaths } from '../../../electron/dicom';
import { patientToVoxel, voxelToPatient } from '../../../electron/imaging';
import { cliJson, InferenceEngine } from '../../../electron/inference';
import type { LoopbackHost } from '../../../electron/host';
import { createRuntime } from '../../../electron/services';
import { serveRuntime } from './serve-runtime';
import { openBrowser, type Browser } from './chromium';
import {
  canvasStats,
  ensurePhantom,
  ensureRendererBuilt,
  pixelChange,
  repoRoot,
  screenshotDir,
} from './fixtures';

// The committed random-weight model: its scores are meaningless but exactly reproducible.
const MODEL = path.join(repoRoot, 'test', 'fixtures', 'models', 'random-small');

type Vec3 = [number, number, number];
const VIEWS = ['t1-native', 't1-axial', 't1-sagittal', 'stir-native', 'stir-axial', 'stir-sagittal'] as const;

let host: LoopbackHost;
let browser: Browser;
let page: Page;
let exam: string;
let dataDir: string;
let closeRuntime: () => Promise<void>;

async function shot(name: string) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
}

async function viewStats(id: string) {
  await page.evaluate(() =>
    (window as unknown as { __sijViewer: { rendered(): Promise<void> } }).__sijViewer.rendered(),
  );
  return canvasStats(await page.getByTestId(`view-${id}`).screenshot());
}

function hook<T>(fn: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([name, a]) => {
      const h = (window as unknown as { __sijViewer: Record<string, (...x: unknown[]) => unknown> })
        .__sijViewer;
      return h[name as string](...(a as unknown[])) as T;
    },
    [fn, args] as const,
  );
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  exam = ensurePhantom(path.join(repoRoot, 'test-output', 'e2e-ui', 'exam-seed1'), 1);
  ensureRendererBuilt();
  dataDir = mkdtempSync(path.join(tmpdir(), 'sij-e2e-ui-'));
  const runtime = await createRuntime({ dataDir, transport: 'loopback', model: { model: MODEL } });
  closeRuntime = runtime.close;
  host = await serveRuntime(runtime);
  browser = await openBrowser();
  page = browser.page;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await closeRuntime?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('reading workstation in Chromium over the loopback host', () => {
  it('refuses the page without its token, with a readable message', async () => {
    const res = await page.goto(`http://127.0.0.1:${host.port}/`);
    expect(res?.status()).toBe(401);
    expect(await page.textContent('body')).toContain('needs the link with its token');
  });

  it('imports an exam by path, with readable errors for a bad path, and lists it', async () => {
    await page.goto(host.url);
    await page.getByTestId('worklist').waitFor();
    await page.getByTestId('import-path').fill('/no/such/folder');
    await page.getByTestId('import-button').click();
    const message = page.getByTestId('worklist-message');
    await expect.poll(() => message.textContent()).toContain('/no/such/folder does not exist');
    await shot('worklist-import-error');
    await page.getByTestId('import-path').fill(exam);
    await page.getByTestId('import-button').click();
    await page.getByTestId('study-row').first().waitFor({ timeout: 60_000 });
    const row = await page.getByTestId('study-row').first().textContent();
    expect(row).toContain('alpha-000001');
    expect(row).toContain('T1, STIR');
    expect(row).toMatch(/semicoronal \d+°/);
    expect(row).toContain('not run');
    await shot('worklist');
  });

  it('opens the study and renders every view of the 2x3 layout', async () => {
    await page.getByTestId('study-row').first().dblclick();
    await page.waitForFunction(
      () => (window as unknown as { __sijViewer?: { ready(): boolean } }).__sijViewer?.ready(),
      null,
      {
        timeout: 60_000,
      },
    );
    for (const id of VIEWS) {
      const stats = await viewStats(id);
      // Native views fill most of the box; reformats of a 16-slice slab are a band across it.
      expect(stats.nonBlack, id).toBeGreaterThan(id.endsWith('native') ? 0.5 : 0.08);
    }
    await shot('reading-2x3');
  });

  it('scrolling moves both acquired views through the crosshair and changes their pixels', async () => {
    const before = { t1: await viewStats('t1-native'), stir: await viewStats('stir-native') };
    const c0 = await hook<Vec3>('crosshair');
    const box = (await page.getByTestId('view-t1-native').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 100);
    await page.mouse.wheel(0, 100);
    const c1 = await hook<Vec3>('crosshair');
    const moved = Math.hypot(c1[0] - c0[0], c1[1] - c0[1], c1[2] - c0[2]);
    const study = scanPaths([exam]).studies[0];
    const t1 = study.series.flatMap((s) => s.stacks).find((s) => s.role.role === 't1')!;
    expect(moved).toBeCloseTo(2 * t1.spacing[2], 1);
    const after = { t1: await viewStats('t1-native'), stir: await viewStats('stir-native') };
    expect(after.t1.digest).not.toBe(before.t1.digest);
    expect(after.stir.digest).not.toBe(before.stir.digest);
  });

  it('a click in STIR puts the crosshair on that patient point in every view, T1 included', async () => {
    const study = scanPaths([exam]).studies[0];
    const stacks = study.series.flatMap((s) => s.stacks);
    const stir = stacks.find((s) => s.role.role === 'stir')!;
    // Patient position of a STIR voxel from the DICOM header geometry (ImagePosition/Orientation).
    const slice = stir.slices[Math.floor(stir.slices.length / 2)];
    const [rx, ry, rz, cx, cy, cz] = slice.orientation!;
    const [rowSpacing, colSpacing] = slice.pixelSpacing!;
    const [i, j] = [Math.round(stir.columns * 0.62), Math.round(stir.rows * 0.4)];
    const p = slice.position!;
    const target: Vec3 = [
      p[0] + i * colSpacing * rx + j * rowSpacing * cx,
      p[1] + i * colSpacing * ry + j * rowSpacing * cy,
      p[2] + i * colSpacing * rz + j * rowSpacing * cz,
    ];
    // Show that slice first (scroll there through the API of the view: a click on its centre line).
    const onScreen = await hook<[number, number]>('screenOf', 'stir-native', target);
    await page.mouse.click(onScreen[0], onScreen[1]);
    let crosshair = await hook<Vec3>('crosshair');
    // The plane shown may be another slice; scroll until the crosshair is on the target's slice.
    const frame = await hook<{ normal: Vec3 }>('frame', 'stir-native');
    const along = (q: Vec3) => q[0] * frame.normal[0] + q[1] * frame.normal[1] + q[2] * frame.normal[2];
    const steps = Math.round((along(target) - along(crosshair)) / stir.spacing[2]);
    const box = (await page.getByTestId('view-stir-native').boundingBox())!;
    await page.mouse.move(box.x + 5, box.y + 5);
    for (let n = 0; n < Math.abs(steps); n++) await page.mouse.wheel(0, Math.sign(steps) * 100);
    const again = await hook<[number, number]>('screenOf', 'stir-native', target);
    await page.mouse.click(again[0], again[1]);
    crosshair = await hook<Vec3>('crosshair');
    const mmPerPixel = stir.spacing[0] * 1.5;
    expect(
      Math.hypot(crosshair[0] - target[0], crosshair[1] - target[1], crosshair[2] - target[2]),
    ).toBeLessThan(mmPerPixel);
    // Every other view's plane passes through the crosshair (T1 native: its nearest acquired slice).
    const t1 = stacks.find((s) => s.role.role === 't1')!;
    for (const id of VIEWS) {
      const plane = await hook<Vec3>('planePoint', id);
      const f = await hook<{ normal: Vec3 }>('frame', id);
      const offset = Math.abs(
        (plane[0] - crosshair[0]) * f.normal[0] +
          (plane[1] - crosshair[1]) * f.normal[1] +
          (plane[2] - crosshair[2]) * f.normal[2],
      );
      const tolerance = id === 't1-native' ? t1.spacing[2] / 2 + 1e-6 : id === 'stir-native' ? 1e-3 : 1e-6;
      expect(offset, id).toBeLessThanOrEqual(tolerance);
      const xy = await hook<[number, number]>('screenOf', id, crosshair);
      const vb = (await page.getByTestId(`view-${id}`).boundingBox())!;
      expect(xy[0], id).toBeGreaterThan(vb.x);
      expect(xy[0], id).toBeLessThan(vb.x + vb.width);
      expect(xy[1], id).toBeGreaterThan(vb.y);
      expect(xy[1], id).toBeLessThan(vb.y + vb.height);
    }
    await shot('reading-crosshair');
  });

  it('window/level by right-drag changes the canvas and the window', async () => {
    const before = await viewStats('t1-native');
    const w0 = await hook<{ t1: { width: number; level: number } }>('windows');
    const box = (await page.getByTestId('view-t1-native').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 - 60, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    const w1 = await hook<{ t1: { width: number; level: number } }>('windows');
    expect(w1.t1.width).toBeLessThan(w0.t1.width);
    expect(w1.t1.level).toBeGreaterThan(w0.t1.level);
    const after = await viewStats('t1-native');
    expect(after.digest).not.toBe(before.digest);
    await page.keyboard.press('0');
  });

  it('grey levels follow the DICOM linear window formula on the voxels the view shows', async () => {
    // Voxel values from the DICOM files (the loader of the CLI, not the page), the window from the
    // page, and PS3.3 C.11.2.1.2.1 (VOI LUT Function LINEAR) for the grey a pixel must have.
    const t1 = scanPaths([exam])
      .studies[0].series.flatMap((s) => s.stacks)
      .find((s) => s.role.role === 't1')!;
    const volume = await loadStackVolume(t1);
    const [nx, ny] = volume.dims;
    const k = Math.round(patientToVoxel(volume.affine, await hook<Vec3>('planePoint', 't1-native'))[2]);
    // Screen position of voxel (i, j) of that slice is affine in (i, j): invert it from three voxels.
    const screenOf = (i: number, j: number) =>
      hook<[number, number]>('screenOf', 't1-native', voxelToPatient(volume.affine, [i, j, k]));
    const [s0, si, sj] = [await screenOf(0, 0), await screenOf(1, 0), await screenOf(0, 1)];
    const [a, b, c, d] = [si[0] - s0[0], sj[0] - s0[0], si[1] - s0[1], sj[1] - s0[1]];
    const det = a * d - b * c;
    const voxelAt = (x: number, y: number) => [
      (d * (x - s0[0]) - b * (y - s0[1])) / det,
      (-c * (x - s0[0]) + a * (y - s0[1])) / det,
    ];
    const value = (i: number, j: number) => {
      const [i0, j0] = [Math.floor(i), Math.floor(j)];
      const [fi, fj] = [i - i0, j - j0];
      const v = (ii: number, jj: number) => volume.data[ii + nx * (jj + ny * k)];
      return (
        (1 - fj) * ((1 - fi) * v(i0, j0) + fi * v(i0 + 1, j0)) +
        fj * ((1 - fi) * v(i0, j0 + 1) + fi * v(i0 + 1, j0 + 1))
      );
    };
    const { width: w, level: centre } = (await hook<{ t1: { width: number; level: number } }>('windows')).t1;
    const lower = centre - 0.5 - (w - 1) / 2;
    const upper = centre - 0.5 + (w - 1) / 2;
    await hook('rendered');
    const png = PNG.sync.read(await page.screenshot());
    const box = (await page.getByTestId('view-t1-native').boundingBox())!;
    let checked = 0;
    let withinOneLevel = 0;
    // The middle of the view, away from the corner labels; coloured pixels are annotations.
    for (let y = Math.ceil(box.y + box.height * 0.2); y < box.y + box.height * 0.8; y++) {
      for (let x = Math.ceil(box.x + box.width * 0.2); x < box.x + box.width * 0.8; x++) {
        const o = (y * png.width + x) * 4;
        if (png.data[o] !== png.data[o + 1] || png.data[o + 1] !== png.data[o + 2]) continue;
        const [i, j] = voxelAt(x + 0.5, y + 0.5);
        if (i < 0 || j < 0 || i >= nx - 1 || j >= ny - 1) continue;
        const v = value(i, j);
        if (v <= lower || v > upper) continue;
        const expected = ((v - (centre - 0.5)) / (w - 1) + 0.5) * 255;
        checked++;
        if (Math.abs(png.data[o] - expected) <= 1) withinOneLevel++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    // The rest are grey annotation pixels (text, handles) over the image.
    expect(withinOneLevel / checked).toBeGreaterThan(0.97);
  });

  it('switches layouts and shows the shortcut table with ?', async () => {
    await page.keyboard.press('l');
    await expect.poll(() => hook<string>('layout')).toBe('1x2');
    expect(await page.getByTestId('view-t1-axial').count()).toBe(0);
    expect((await viewStats('stir-native')).nonBlack).toBeGreaterThan(0.5);
    await shot('reading-1x2');
    await page.keyboard.press('f');
    await expect.poll(() => hook<string>('layout')).toBe('single');
    await shot('reading-single');
    await page.keyboard.press('f');
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').waitFor();
    expect(await page.getByTestId('shortcuts-help').textContent()).toContain('Next slice');
    await shot('shortcuts');
    await page.keyboard.press('Escape');
    await page.selectOption('[data-testid=layout-select]', '2x3');
  });

  it('runs the model; the scores equal what `sij read --json` computes for the same exam', async () => {
    await page.getByTestId('run-model').click();
    await page.getByTestId('score-asas_bme').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('demo-model-banner').textContent()).toContain(
      'Demonstration model: synthetic training data, not for clinical use.',
    );
    expect(await page.getByTestId('warnings').isVisible()).toBe(true);
    // The CLI prints cliJson(engine.read(...)); compute it here through the same engine, independently
    // of the services, the API and the page.
    const engine = new InferenceEngine({ model: MODEL, log: () => {} });
    try {
      const expected = cliJson((await engine.read([exam])).result);
      for (const task of ['active_inflammation', 'asas_bme', 'structural'] as const) {
        const shown = Number(await page.getByTestId(`score-${task}`).textContent());
        expect(shown, task).toBeCloseTo(expected.tasks[task].probability, 3);
      }
    } finally {
      await engine.close();
    }
    await shot('reading-scores');
  });

  it('a heatmap toggle colours the image only where the map is above its lower threshold', async () => {
    const before = await viewStats('stir-native');
    await page.getByTestId('overlay-toggle-asas_bme').click();
    await page.waitForFunction(() => document.querySelector('.colourbar') !== null);
    await page.waitForTimeout(500);
    const on = await viewStats('stir-native');
    const change = pixelChange(before.png, on.png);
    expect(change.changed / change.total).toBeGreaterThan(0.01);
    // Changed pixels are coloured (heatmap); grey pixels elsewhere are untouched.
    expect(change.changedGrey / change.changed).toBeLessThan(0.05);
    // The random-weight fixture's manifest has no pointing game: the reader is told the map was not checked.
    expect(await page.getByTestId('heatmap-note').textContent()).toBe(
      'This heat map was not checked against true lesions for this model.',
    );
    await shot('reading-overlay');
    // Raising the lower threshold makes more of the map transparent.
    await page.getByTestId('overlay-threshold').fill('0.9');
    await page.waitForTimeout(300);
    const high = pixelChange(before.png, (await viewStats('stir-native')).png);
    expect(high.changed).toBeLessThan(change.changed);
    await page.getByTestId('overlay-opacity').fill('0.2');
    // Shortcuts are ignored while a form control has focus, as when typing.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('h');
    await page.waitForTimeout(300);
    expect((await viewStats('stir-native')).digest).toBe(before.digest);
  });

  it('views redrawn only when they changed look the same as a full redraw of the screen', async () => {
    // Scrolling, a click and a W/L drag redraw some views; the others keep earlier pixels.
    const box = (await page.getByTestId('view-t1-native').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -100);
    await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.55);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 15);
    await page.mouse.up({ button: 'right' });
    const partial = [];
    for (const id of VIEWS) partial.push((await viewStats(id)).png);
    // A layout round trip re-adds every view: the whole canvas is drawn afresh.
    await page.selectOption('[data-testid=layout-select]', 'single');
    await page.selectOption('[data-testid=layout-select]', '2x3');
    await page.waitForTimeout(300);
    // A stale view would differ by a slice or a window; planes rebuilt from another point of the
    // same plane may round a few pixels by a grey level or two, below pixelChange's threshold.
    for (const [i, id] of VIEWS.entries())
      expect(pixelChange(partial[i], (await viewStats(id)).png).changed, id).toBe(0);
  });
});
