import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackHost } from '../../../electron/host';
import { createRuntime } from '../../../electron/services';
import { serveRuntime } from './serve-runtime';
import { openBrowser, type Browser } from './chromium';
import { ensurePhantom, ensureRendererBuilt, repoRoot, screenshotDir } from './fixtures';

// Import in the browser mode (the host's folder chooser, drag-and-drop upload into the import
// folder) and the errors a reader meets with phantom error cases (docs/PHANTOM.md): each must be
// a readable message that names the problem and the next step, never a blank view.
let host: LoopbackHost;
let browser: Browser;
let page: Page;
let root: string;
let dataDir: string;
let closeRuntime: () => Promise<void>;

const shot = (name: string) => page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });

async function waitReady() {
  await page.waitForFunction(
    () => (window as unknown as { __sijViewer?: { ready(): boolean } }).__sijViewer?.ready(),
    null,
    { timeout: 60_000 },
  );
}

async function backToWorklist() {
  await page.keyboard.press('Escape');
  await page.getByTestId('worklist').waitFor();
}

function row(patientId: string) {
  return page.getByTestId('study-row').filter({ hasText: patientId });
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  const phantoms = path.join(repoRoot, 'test-output', 'e2e-ui');
  const noStir = ensurePhantom(path.join(phantoms, 'error-missing-stir'), 4, ['--error', 'missing_stir']);
  const axial = ensurePhantom(path.join(phantoms, 'error-axial-only'), 5, ['--error', 'axial_only']);
  ensurePhantom(path.join(phantoms, 'exam-seed1'), 1);
  ensureRendererBuilt();
  root = mkdtempSync(path.join(tmpdir(), 'sij-e2e-import-'));
  cpSync(noStir, path.join(root, 'exams', 'no-stir'), { recursive: true });
  cpSync(axial, path.join(root, 'exams', 'axial-only'), { recursive: true });
  mkdirSync(path.join(root, 'exams', 'not-dicom'), { recursive: true });
  writeFileSync(path.join(root, 'exams', 'not-dicom', 'report.txt'), 'MRI SIJ report, no images\n');
  writeFileSync(path.join(root, 'exams', 'not-dicom', 'photo.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  dataDir = path.join(root, 'data');
  const runtime = await createRuntime({
    dataDir,
    transport: 'loopback',
    model: false,
    browseRoots: [path.join(root, 'exams')],
  });
  closeRuntime = runtime.close;
  host = await serveRuntime(runtime);
  browser = await openBrowser();
  page = browser.page;
  await page.goto(host.url);
  await page.getByTestId('worklist').waitFor();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await closeRuntime?.();
  rmSync(root, { recursive: true, force: true });
});

describe('import in the browser and readable errors', () => {
  it('imports through the host folder chooser; an exam without STIR says so in the list and the view', async () => {
    await page.getByTestId('browse-button').click();
    const chooser = page.getByTestId('folder-chooser');
    await chooser.waitFor();
    await expect.poll(() => page.getByTestId('folder-path').textContent()).toBe(path.join(root, 'exams'));
    const names = await page.getByTestId('folder-entry').allTextContents();
    expect(names.map((n) => n.trim())).toEqual(['axial-only/', 'no-stir/', 'not-dicom/']);
    await page.getByTestId('folder-entry').filter({ hasText: 'no-stir' }).click();
    await expect
      .poll(() => page.getByTestId('folder-path').textContent())
      .toBe(path.join(root, 'exams', 'no-stir'));
    await shot('folder-chooser');
    await page.getByTestId('folder-import').click();
    await row('-000004').waitFor({ timeout: 60_000 });
    // The sequences column lists what was found.
    expect(await page.getByTestId('study-row').first().locator('td').nth(4).textContent()).toBe('T1');
    await page.getByTestId('study-row').first().locator('summary').click();
    expect(await page.getByTestId('study-row').first().textContent()).toContain(
      'No STIR / fat-suppressed fluid-sensitive series found: active inflammation cannot be read and the model cannot run.',
    );
    await page.getByTestId('study-row').first().dblclick();
    await waitReady();
    await expect
      .poll(() => page.getByTestId('view-stir-native').textContent())
      .toContain('No STIR series in this study.');
    expect(await page.locator('.problems').textContent()).toContain('No STIR');
    await shot('error-missing-stir');
    await backToWorklist();
  });

  it('an axial-only exam opens with a warning naming the orientation', async () => {
    await page.getByTestId('import-path').fill(path.join(root, 'exams', 'axial-only'));
    await page.getByTestId('import-button').click();
    await expect.poll(() => page.getByTestId('study-row').count(), { timeout: 60_000 }).toBe(2);
    const axialRow = page.getByTestId('study-row').filter({ hasText: 'axial' });
    await axialRow.locator('summary').click();
    expect(await axialRow.textContent()).toContain(
      'The T1 series is axial, not semicoronal: SPARCC slices cannot be counted on it and the model cannot run.',
    );
    await axialRow.dblclick();
    await waitReady();
    const problems = await page.locator('.problems').textContent();
    expect(problems).toContain('The T1 series is axial, not semicoronal');
    expect(problems).toContain('ask for a semicoronal T1 parallel to the sacrum');
    await shot('error-axial-only');
    await backToWorklist();
  });

  it('a folder of non-DICOM files is refused with the files named and what to choose instead', async () => {
    await page.getByTestId('import-path').fill(path.join(root, 'exams', 'not-dicom'));
    await page.getByTestId('import-button').click();
    const message = page.getByTestId('worklist-message');
    await expect
      .poll(() => message.textContent(), { timeout: 60_000 })
      .toContain('No readable MR study found');
    const text = (await message.textContent()) ?? '';
    expect(text).toContain('report.txt');
    expect(text).toContain('Choose a folder that holds the exam’s DICOM files');
    await shot('error-not-dicom');
  });

  it('files dropped into the browser are uploaded to the import folder and imported', async () => {
    const exam = path.join(repoRoot, 'test-output', 'e2e-ui', 'exam-seed1');
    const files = ['T1', 'STIR'].flatMap((s) =>
      readdirSync(path.join(exam, s)).map((n) => ({
        name: `${s}-${n}`,
        base64: readFileSync(path.join(exam, s, n)).toString('base64'),
      })),
    );
    await page.evaluate((list) => {
      const transfer = new DataTransfer();
      for (const f of list) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], f.name, { type: 'application/dicom' }));
      }
      document
        .querySelector('[aria-label="Worklist"]')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
    await row('alpha-000001').waitFor({ timeout: 90_000 });
    const uploads = path.join(dataDir, 'imports');
    const [drop] = readdirSync(uploads);
    expect(readdirSync(path.join(uploads, drop)).sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files.slice(0, 3))
      expect(readFileSync(path.join(uploads, drop, f.name)).toString('base64')).toBe(f.base64);
    expect(await row('alpha-000001').textContent()).toContain('T1, STIR');
    expect(existsSync(path.join(uploads, drop))).toBe(true);
    await shot('worklist-after-drop');
  });
});
