import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackHost } from '../../../electron/host';
import { createRuntime } from '../../../electron/services';
import { serveRuntime } from '../ui/serve-runtime';
import { openBrowser, type Browser } from '../ui/chromium';
import { ensurePhantom, ensureRendererBuilt, repoRoot } from '../ui/fixtures';

/**
 * The structured reading end to end, in Chromium over the loopback host: a generated exam's truth
 * grid is entered through the form (grid clicks and one mark in a view), the SPARCC the form shows
 * is checked against sparcc_reference.py (READING.md's rule in Python, no shared code), the global
 * part is done with the keyboard only (accept one suggestion, override another with a reason code
 * and words), the reading is signed and exported, and the PDF and SR are read back with
 * pdftotext and dsrdump.
 */

const MODEL = path.join(repoRoot, 'test', 'fixtures', 'models', 'random-small');
const OUT = path.join(repoRoot, 'test-output', 'e2e-reading');
const READER = { id: 'u-e2e', name: 'Dr. Erin Endtoend', qualification: 'Consultant radiologist' };
const OVERRIDE_TEXT = 'posterior lower iliac pattern, athlete';

type Vec3 = [number, number, number];
type Joint = 'left' | 'right';
type Quadrant = 'upper_ilium' | 'lower_ilium' | 'upper_sacrum' | 'lower_sacrum';
interface TruthCell {
  slice: number;
  joint: Joint;
  quadrant: Quadrant;
  lesions: string[];
  bmeIntense?: boolean;
  bmeDeep?: boolean;
  fatDeep?: boolean;
}
interface Truth {
  studyInstanceUid: string;
  grid: TruthCell[];
  seriesDetails: { stir: { affine: number[]; spacing: Vec3 } };
}

// Subprocesses run async: a blocking call would starve vitest's RPC on a loaded machine.
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { cwd: repoRoot, encoding: 'utf8' })).stdout;

let host: LoopbackHost;
let browser: Browser;
let page: Page;
let exam: string;
let truth: Truth;
let blindTruth: Truth & { examId: string };
let dataDir: string;
let closeRuntime: () => Promise<void>;
let api: Awaited<ReturnType<typeof createRuntime>>['services']['handlers'];

const shot = (name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`) });
const cellId = (c: { slice: number; joint: string; quadrant: string }) =>
  `cell-${c.slice}-${c.joint}-${c.quadrant}`;
const pressed = (c: TruthCell) => page.getByTestId(cellId(c)).getAttribute('aria-pressed');

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

const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // axspa_active, seed 16: BME on 9 slices (more than the 6-slice window), left and right joint,
  // some intense, some deep, and a fat lesion: checked below, not assumed.
  exam = ensurePhantom(path.join(OUT, 'exam-seed16'), 16, ['--findings', 'case=axspa_active']);
  truth = JSON.parse(readFileSync(path.join(exam, 'truth.json'), 'utf8')) as Truth;
  ensureRendererBuilt();
  dataDir = mkdtempSync(path.join(tmpdir(), 'sij-e2e-reading-'));
  writeFileSync(path.join(dataDir, 'reader.json'), JSON.stringify(READER));
  const runtime = await createRuntime({ dataDir, transport: 'loopback', model: { model: MODEL } });
  closeRuntime = runtime.close;
  api = runtime.services.handlers;
  // Import and run the model through the same API the page uses, so the reading opens pre-filled.
  await runtime.services.handlers['studies.import']({ paths: [exam] });
  await runtime.services.handlers['inference.run']({ studyInstanceUid: truth.studyInstanceUid });
  // A second exam, read blinded from the UI with the reader's setting on (last case).
  const blindExam = ensurePhantom(path.join(OUT, 'exam-seed4'), 4, ['--findings', 'case=normal']);
  blindTruth = JSON.parse(readFileSync(path.join(blindExam, 'truth.json'), 'utf8')) as typeof blindTruth;
  await runtime.services.handlers['studies.import']({ paths: [blindExam] });
  await runtime.services.handlers['inference.run']({ studyInstanceUid: blindTruth.studyInstanceUid });
  host = await serveRuntime(runtime);
  browser = await openBrowser();
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await closeRuntime?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('structured reading in Chromium over the loopback host', () => {
  it('the exam has what the test needs: BME on several slices, intense and deep cells', () => {
    const bme = truth.grid.filter((c) => c.lesions.includes('bme'));
    expect(new Set(bme.map((c) => c.slice)).size).toBeGreaterThan(6);
    expect(bme.some((c) => c.bmeIntense)).toBe(true);
    expect(bme.some((c) => c.bmeDeep)).toBe(true);
  });

  it('opens the study with the form, quadrant boundaries drawn on both semicoronal views', async () => {
    await page.goto(host.url);
    await page.getByTestId('study-row').filter({ hasText: 'alpha-000016' }).dblclick();
    await page.waitForFunction(
      () => (window as unknown as { __sijViewer?: { ready(): boolean } }).__sijViewer?.ready(),
      null,
      { timeout: 60_000 },
    );
    // No reading yet: the form asks how to start it; the setting is off, so not blinded.
    await page.getByTestId('start-reading').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('start-blinded').isChecked()).toBe(false);
    await page.locator('aside').screenshot({ path: path.join(OUT, '00-start-card.png') });
    await page.getByTestId('start-reading').click();
    await page.getByTestId('computed-scores').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('score-asas_bme').count()).toBe(1);
    for (const view of ['t1-native', 'stir-native'])
      for (const joint of ['left', 'right']) {
        await page.getByTestId(`joint-centre-${joint}-${view}`).waitFor();
        expect(await page.getByTestId(`quadrants-${view}`).locator('line.boundary').count()).toBe(4);
      }
    expect(await page.getByTestId('suggestion-asas_bme').textContent()).toContain('Model suggests');
    await shot('01-opened');
  });

  it('fills the grid from truth.json by grid clicks; each click moves the views to that cell', async () => {
    const markInView = truth.grid.find((c) => c.lesions.includes('bme') && c.bmeDeep)!;
    let checkedJump = 0;
    for (const lesion of [...new Set(truth.grid.flatMap((c) => c.lesions))]) {
      await page.selectOption('[data-testid=lesion-type]', lesion);
      for (const cell of truth.grid.filter((c) => c.lesions.includes(lesion))) {
        if (cell === markInView && lesion === 'bme') continue;
        await page.getByTestId(cellId(cell)).click();
        await expect.poll(() => pressed(cell)).toBe('true');
        if (checkedJump++ < 3) {
          // The crosshair is in the clicked quadrant, on the clicked slice: the STIR view shows the
          // plane of the truth's slice (its position from the phantom's own affine).
          const at = await hook<{ slice: number; joint: string; quadrant: string }>('cellAtCrosshair');
          expect(at).toEqual({ slice: cell.slice, joint: cell.joint, quadrant: cell.quadrant });
          const a = truth.seriesDetails.stir.affine;
          const plane = await hook<Vec3>('planePoint', 'stir-native');
          const normal = await hook<{ normal: Vec3 }>('frame', 'stir-native').then((f) => f.normal);
          const slicePos: Vec3 = [
            a[2] * cell.slice + a[3],
            a[6] * cell.slice + a[7],
            a[10] * cell.slice + a[11],
          ];
          const off = [0, 1, 2].reduce((s, d) => s + (plane[d] - slicePos[d]) * normal[d], 0);
          expect(Math.abs(off)).toBeLessThan(1e-3);
        }
        const flags = (['bmeIntense', 'bmeDeep', 'fatDeep'] as const).filter(
          (f) => cell[f] && (f === 'fatDeep' ? lesion === 'fat_lesion' : lesion === 'bme'),
        );
        for (const f of flags) {
          const button = page.getByTestId(`flag-${cell.slice}-${cell.joint}-${cell.quadrant}-${f}`);
          await button.click();
          await expect.poll(() => button.getAttribute('class')).toContain('set');
        }
      }
    }
    await shot('02-grid-filled');
  });

  it('marks one BME cell in the STIR view with the mark-lesion tool (m): the grid cell fills', async () => {
    const cell = truth.grid.find((c) => c.lesions.includes('bme') && c.bmeDeep)!;
    await page.selectOption('[data-testid=lesion-type]', 'bme');
    expect(await pressed(cell)).toBe('false');
    await blur();
    await page.keyboard.press('m');
    expect(await hook<string>('tool')).toBe('mark-lesion');
    const box = (await page.getByTestId('view-stir-native').boundingBox())!;
    await page.mouse.move(box.x + 8, box.y + 8);
    for (let n = 0; n < 40; n++) {
      const shown = await hook<number>('gridSlice', 'stir-native');
      if (shown === cell.slice) break;
      await page.mouse.wheel(0, shown < cell.slice ? 100 : -100);
    }
    expect(await hook<number>('gridSlice', 'stir-native')).toBe(cell.slice);
    const point = await hook<Vec3>('quadrantPoint', 'stir-native', cell.joint, cell.quadrant);
    const [x, y] = await hook<[number, number]>('screenOf', 'stir-native', point);
    await page.mouse.click(x, y);
    await expect.poll(() => pressed(cell)).toBe('true');
    // The grid clicks skipped this cell, flags included: set the ones the truth has.
    for (const f of (['bmeIntense', 'bmeDeep'] as const).filter((f) => cell[f]))
      await page.getByTestId(`flag-${cell.slice}-${cell.joint}-${cell.quadrant}-${f}`).click();
    await page.keyboard.press('m');
    expect(await hook<string>('tool')).toBe('crosshair');
    // The marked cells of this slice are tinted on the view.
    expect(await page.getByTestId(`tint-${cell.joint}-${cell.quadrant}`).count()).toBeGreaterThan(0);
    await page.getByTestId('view-stir-native').screenshot({ path: path.join(OUT, '03-stir-marked.png') });
  });

  it('dragging a joint-centre handle moves that joint (not the crosshair) by the distance dragged', async () => {
    const before = await hook<Record<Joint, { centre: Vec3 }>>('joints');
    const crosshair = await hook<Vec3>('crosshair');
    const right = await hook<{ right: Vec3 }>('frame', 'stir-native').then((f) => f.right);
    const c = before.left.centre;
    const a = await hook<[number, number]>('screenOf', 'stir-native', c);
    const b = await hook<[number, number]>('screenOf', 'stir-native', [
      c[0] + 10 * right[0],
      c[1] + 10 * right[1],
      c[2] + 10 * right[2],
    ]);
    const pxPerMm = Math.hypot(b[0] - a[0], b[1] - a[1]) / 10;
    const handle = (await page.getByTestId('joint-centre-left-stir-native').boundingBox())!;
    const [x0, y0] = [handle.x + handle.width / 2, handle.y + handle.height / 2];
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 + 24, y0, { steps: 4 });
    await page.mouse.up();
    const after = await hook<Record<Joint, { centre: Vec3 }>>('joints');
    const moved = [0, 1, 2].reduce((s, d) => s + (after.left.centre[d] - c[d]) * right[d], 0);
    expect(moved).toBeCloseTo(24 / pxPerMm, 0);
    expect(after.right).toEqual(before.right);
    expect(await hook<Vec3>('crosshair')).toEqual(crosshair);
    // Put it back so the marks below land where the grid's cells were filled.
    const back = (await page.getByTestId('joint-centre-left-stir-native').boundingBox())!;
    await page.mouse.move(back.x + back.width / 2, back.y + back.height / 2);
    await page.mouse.down();
    await page.mouse.move(back.x + back.width / 2 - 24, back.y + back.height / 2, { steps: 4 });
    await page.mouse.up();
  });

  it('keyboard handles: Q selects a handle, arrows move it 1 mm; the frame is saved, audited and restored', async () => {
    const before = await hook<Record<Joint, { centre: Vec3; up: Vec3; halfHeightMm: number }>>('joints');
    const right = await hook<{ right: Vec3 }>('frame', 'stir-native').then((f) => f.right);
    await blur();
    await page.keyboard.press('q');
    expect(await hook('selectedHandle')).toEqual({ joint: 'left', part: 'centre' });
    await expect
      .poll(() => page.locator('[data-testid=joint-centre-left-stir-native].selected').count())
      .toBe(1);
    await page
      .getByTestId('view-stir-native')
      .screenshot({ path: path.join(OUT, '03a-handle-selected.png') });
    for (let n = 0; n < 3; n++) await page.keyboard.press('ArrowRight');
    const crosshair = await hook<Vec3>('crosshair');
    await page.keyboard.press('ArrowDown'); // moves the handle 1 mm down, not the slice
    expect(await hook<Vec3>('crosshair')).toEqual(crosshair);
    await page.keyboard.press('Escape'); // releases the handle, stays on the study
    expect(await hook('selectedHandle')).toBeNull();
    const moved = await hook<typeof before>('joints');
    const along = (d: Vec3) => [0, 1, 2].reduce((sum, i) => sum + d[i] * right[i], 0);
    const delta = [0, 1, 2].map((i) => moved.left.centre[i] - before.left.centre[i]) as Vec3;
    expect(along(delta)).toBeCloseTo(3, 6);
    expect(Math.hypot(...delta)).toBeCloseTo(Math.hypot(3, 1), 6);
    expect(moved.right).toEqual(before.right);
    const readingId = (await api['reading.find']({ studyInstanceUid: truth.studyInstanceUid }))!.reading
      .readingId;
    await expect
      .poll(async () => (await api['reading.get']({ readingId })).reading.jointAxes?.left.centre)
      .toEqual(moved.left.centre);
    const audit = await api['reading.audit']({ readingId });
    expect(audit.some((a) => a.path.startsWith('jointAxes') && a.actor.id === READER.id)).toBe(true);
    // Leave and reopen: the views come back with the reader's frame, not the default estimate.
    await page.keyboard.press('Escape');
    await page.getByTestId('study-row').filter({ hasText: 'alpha-000016' }).dblclick();
    await page.getByTestId('computed-scores').waitFor({ timeout: 60_000 });
    await expect
      .poll(() => hook<typeof before>('joints').then((j) => j?.left.centre))
      .toEqual(moved.left.centre);
    await page.getByTestId('view-stir-native').screenshot({ path: path.join(OUT, '03b-frame-restored.png') });
  });

  it('shows the SPARCC that READING.md’s rule gives for the truth grid (independent Python)', async () => {
    const reference = JSON.parse(
      await run('python3', [
        path.join(import.meta.dirname, 'sparcc_reference.py'),
        path.join(exam, 'truth.json'),
      ]),
    ) as { first: number; score: number };
    expect(reference.score).toBeGreaterThan(8);
    await page.getByTestId('sparcc-first').fill(String(reference.first + 1));
    await page.getByTestId('sparcc-first').press('Tab');
    await expect.poll(() => page.getByTestId('sparcc-score').textContent()).toBe(`${reference.score} / 72`);
  });

  it('completes the global part with the keyboard only: accept, override with reason, confidences', async () => {
    await blur();
    await page.keyboard.press('g');
    expect(await focused()).toBe('reading-panel');
    // 1 active inflammation: accept the model, confidence 3
    await page.keyboard.press('a');
    await page.keyboard.press('3');
    await expect
      .poll(() => page.getByTestId('suggestion-active_inflammation').textContent())
      .toContain('accepted');
    // 2 ASAS: override with a reason code (typed into the select) and words, Enter confirms
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    expect(await focused()).toBe('reason-asas_bme');
    await page.keyboard.press('m'); // "Mimic"
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('reason-text-asas_bme');
    await page.keyboard.type(OVERRIDE_TEXT);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('suggestion-asas_bme').textContent())
      .toContain(`overridden: Mimic – ${OVERRIDE_TEXT}`);
    expect(await focused()).toBe('reading-panel');
    await page.keyboard.press('2');
    // 3 structural: accept, 4; 4 overall: yes, 3
    await page.keyboard.press('j');
    await page.keyboard.press('a');
    await page.keyboard.press('4');
    await page.keyboard.press('j');
    await page.keyboard.press('y');
    await page.keyboard.press('3');
    // Still on the reading view (N, Y, digits did not act as view shortcuts) and ready to sign.
    await expect.poll(() => page.getByTestId('sign').isEnabled()).toBe(true);
    expect(await page.getByTestId('view-stir-native').count()).toBe(1);
    await shot('04-global-keyboard');
  });

  it('signs, exports with `sij report`, and the PDF and SR carry what was entered', async () => {
    await page.getByTestId('sign').click();
    await expect.poll(() => page.textContent('[data-testid=reading-panel] .meta')).toContain('signed by');
    await shot('05-signed');
    const sparcc = (await page.getByTestId('sparcc-score').textContent())!.split(' ')[0];
    const pdf = path.join(OUT, 'reading.pdf');
    const sr = path.join(OUT, 'reading-sr.dcm');
    const json = path.join(OUT, 'reading.json');
    await run('node', [
      'bin/sij.mjs',
      'report',
      truth.studyInstanceUid,
      '--pdf',
      pdf,
      '--sr',
      sr,
      '--json',
      json,
      '--data-dir',
      dataDir,
      '--images',
      exam,
    ]);
    const text = (await run('pdftotext', ['-layout', pdf, '-'])).replace(/\s+/g, ' ');
    expect(text).toContain(OVERRIDE_TEXT);
    expect(text).toContain(`Electronically signed by ${READER.name}`);
    expect(text).toMatch(new RegExp(`SPARCC SIJ inflammation ${sparcc} / 72`));
    expect(text).toContain('random-small 0.1.0');
    // The model ran in the app, which stores results and CAMs in the data folder's store: the report finds
    // them and shows Grad-CAM key images. Under each, the fixture's manifest has no pointing game: not vouched for.
    expect(text).toContain('This heat map was not checked against true lesions for this model.');
    const tree = await run('dsrdump', ['+Pl', sr]);
    expect(tree).toContain(`<has properties TEXT:(,,"Override reason text")="${OVERRIDE_TEXT}">`);
    expect(tree).toContain('<has properties CODE:(,,"Override reason")=(mimic,99SIJR,"Mimic")>');
    expect(tree).toContain('<has obs context PNAME:(,,"Person Observer Name")="Endtoend^Erin^^Dr.">');
    expect(tree).toContain(`<contains NUM:(,,"SPARCC SIJ inflammation score")="${sparcc}"`);
    expect(tree).toContain('"Device Observer Model Name")="random-small 0.1.0 sha256:');
    await run('pdftoppm', ['-png', '-r', '60', pdf, path.join(OUT, 'report-page')]);
    // The quadrant frame the grid was read in travels with the export.
    const exported = JSON.parse(readFileSync(json, 'utf8')) as { reading: { jointAxes?: unknown } };
    expect(exported.reading.jointAxes).toEqual(await hook('joints'));
  });

  it('blinded from the UI with the setting on: no model output anywhere until V; unassisted and final answers stored', async () => {
    await blur();
    await page.keyboard.press('Escape');
    // The reader's setting, turned on in an earlier session; the start card follows it.
    await api['reading.updateSettings']({ blindedByDefault: true });
    await page.getByTestId('study-row').filter({ hasText: blindTruth.examId }).dblclick();
    await page.getByTestId('start-reading').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('start-blinded').isChecked()).toBe(true);
    expect(await page.getByTestId('setting-blinded-default').isChecked()).toBe(true);
    // The setting's checkbox writes through the API (off, then on again).
    await page.getByTestId('setting-blinded-default').uncheck();
    await expect.poll(() => api['reading.settings']({})).toEqual({ blindedByDefault: false });
    await page.getByTestId('setting-blinded-default').check();
    await expect.poll(() => api['reading.settings']({})).toEqual({ blindedByDefault: true });
    await page.getByTestId('model-hidden').waitFor({ timeout: 60_000 });
    await blur();
    await page.keyboard.press('g');
    await page.keyboard.press('Enter');
    await page.getByTestId('computed-scores').waitFor({ timeout: 60_000 });
    await page.getByTestId('model-hidden').waitFor();
    const modelShown = async () => ({
      scores: await page.locator('[data-testid^=score-]').count(),
      suggestions: await page.locator('[data-testid^=suggestion-]').count(),
      toggles: await page.locator('[data-testid^=overlay-toggle-]:not([disabled])').count(),
      probabilities: (await page.locator('aside').innerText()).match(/\b[01]\.\d{3}\b/g),
    });
    expect(await modelShown()).toEqual({ scores: 0, suggestions: 0, toggles: 0, probabilities: null });
    expect(await page.locator('[data-testid^=overlay-toggle-][disabled]').count()).toBe(3);
    // The heat-map keys do nothing while blinded.
    await blur();
    await page.keyboard.press('b');
    expect(await page.locator('[data-testid=overlay-toggle-asas_bme][aria-pressed=true]').count()).toBe(0);
    await shot('06-blinded-hidden');
    await page.keyboard.press('g');
    for (const [answer, confidence] of [
      ['y', '3'],
      ['n', '2'],
      ['n', '1'],
      ['y', '1'],
    ]) {
      await page.keyboard.press(answer);
      await page.keyboard.press(confidence);
      await page.keyboard.press('j');
    }
    await expect
      .poll(() => page.getByTestId('confidence-overall_axspa-1').getAttribute('class'))
      .toContain('chosen');
    expect((await modelShown()).scores).toBe(0);
    await page.keyboard.press('v');
    await page.getByTestId('suggestion-active_inflammation').waitFor();
    expect(await page.getByTestId('judgement-active_inflammation').textContent()).toContain(
      'before model: yes (3)',
    );
    // Committed: the scores panel shows the probabilities and its map toggles again.
    await expect.poll(() => page.locator('[data-testid^=score-]').count()).toBe(3);
    expect(await page.locator('[data-testid^=overlay-toggle-]:not([disabled])').count()).toBe(3);
    // The B pressed while blinded had turned no map on.
    expect(await page.getByTestId('overlay-toggle-asas_bme').getAttribute('aria-pressed')).toBe('false');
    // Back up to judgement 1 (K), then accept the three suggestions in turn.
    for (let n = 0; n < 3; n++) await page.keyboard.press('k');
    for (const key of ['a', 'j', 'a', 'j', 'a']) await page.keyboard.press(key);
    await expect.poll(() => page.getByTestId('sign').isEnabled()).toBe(true);
    expect(await page.getByTestId('judgement-structural').textContent()).toContain('before model: no (1)');
    await shot('07-blinded-revealed');
    // Read back through the API: the unassisted answers beside the final (accepted) ones.
    const stored = (await api['reading.find']({ studyInstanceUid: blindTruth.studyInstanceUid }))!.reading;
    expect(stored.blinded).toBe(true);
    expect(stored.modelRevealedAt).not.toBeNull();
    const model = stored.model!;
    const expected = { active_inflammation: ['yes', 3], asas_bme: ['no', 2], structural: ['no', 1] } as const;
    for (const [key, [answer, confidence]] of Object.entries(expected)) {
      const j = stored.judgements[key as keyof typeof expected];
      expect(j.unassisted).toMatchObject({ answer, confidence });
      const task = model.tasks.find((t) => t.key === key)!;
      expect(j.answer).toBe(task.probability >= task.threshold ? 'yes' : 'no');
      expect(j.verdict?.kind).toBe('accept');
    }
    expect(stored.judgements.overall_axspa).toMatchObject({
      answer: 'yes',
      confidence: 1,
      unassisted: { answer: 'yes', confidence: 1 },
    });
  });
});
