import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackHost } from '../../../electron/host';
import { createRuntime } from '../../../electron/services';
import { STORE_FILE } from '../../../electron/store';
import { serveRuntime } from '../ui/serve-runtime';
import { openBrowser, type Browser } from '../ui/chromium';
import { ensurePhantom, ensureRendererBuilt, repoRoot, screenshotDir } from '../ui/fixtures';

/**
 * Three readers, each on their own workstation (data folder, reader profile, loopback host), read
 * three different generated exams blinded to the model through the API. Ben's readings travel as
 * JSON exports, Cleo's as DICOM SRs; Ada's workstation imports both, Ada meets blind-first and then
 * the comparison in Chromium, starts a consensus there, and the reader-study table goes through
 * `sij agreement`. Expected values: the phantom generator's truth grids with each reader's stated
 * deviations, the kappas worked out by hand below, and the same kappas computed by R from the CSV.
 */

const run = promisify(execFile);
const sij = (...args: string[]) =>
  run('node', [path.join(repoRoot, 'bin/sij.mjs'), ...args], { cwd: repoRoot });
const MODEL = path.join(repoRoot, 'test', 'fixtures', 'models', 'random-small');

const EXAMS = [
  { seed: 31, findings: 'case=axspa_active' },
  { seed: 32, findings: 'case=normal' },
  { seed: 33, findings: 'case=axspa_active_structural' },
];
const READERS = [
  { id: 'u-ada', name: 'Ada' },
  { id: 'u-ben', name: 'Ben' },
  { id: 'u-cleo', name: 'Cleo' },
] as const;
type Answer = 'yes' | 'no';

// ASAS positive MRI, exams 1-3 x readers Ada, Ben, Cleo: before the model is shown, and final.
const UNAIDED: Answer[][] = [
  ['yes', 'yes', 'no'],
  ['no', 'no', 'no'],
  ['yes', 'no', 'yes'],
];
const AIDED: Answer[][] = [
  ['yes', 'yes', 'yes'],
  ['no', 'no', 'yes'],
  ['yes', 'yes', 'yes'],
];
// Fleiss' kappa by hand (N = 3 cases, n = 3 raters, P_i = (yes(yes-1) + no(no-1)) / 6):
//   unaided yes counts 2, 0, 2 -> P_i = 1/3, 1, 1/3; mean 5/9; p_yes = 4/9 -> P_e = (16 + 25)/81 = 41/81
//     kappa = (45/81 - 41/81) / (40/81) = 0.1
//   aided yes counts 3, 1, 3 -> P_i = 1, 1/3, 1; mean 7/9; p_yes = 7/9 -> P_e = (49 + 4)/81 = 53/81
//     kappa = (63/81 - 53/81) / (28/81) = 10/28
// Cohen's kappa, Ada vs Ben unaided: (1,0,1) vs (1,0,0): p_o = 2/3, p_e = 2/3*1/3 + 1/3*2/3 = 4/9,
//   kappa = (2/3 - 4/9) / (5/9) = 0.4
const FLEISS_UNAIDED = 0.1;
const FLEISS_AIDED = 10 / 28;
const COHEN_ADA_BEN_UNAIDED = 0.4;

interface Cell {
  slice: number;
  joint: 'left' | 'right';
  quadrant: 'upper_ilium' | 'lower_ilium' | 'upper_sacrum' | 'lower_sacrum';
  lesions: string[];
  bmeIntense?: boolean;
  bmeDeep?: boolean;
  fatDeep?: boolean;
}
interface Truth {
  examId: string;
  studyInstanceUid: string;
  labels: Record<string, boolean>;
  grid: Cell[];
  series: { t1: string; stir: string };
}

const key = (c: Pick<Cell, 'slice' | 'joint' | 'quadrant'>) => `${c.slice}/${c.joint}/${c.quadrant}`;
const truthCells = (t: Truth): Cell[] =>
  t.grid.map((g) => ({
    slice: g.slice,
    joint: g.joint,
    quadrant: g.quadrant,
    lesions: g.lesions,
    ...(g.bmeIntense ? { bmeIntense: true } : {}),
    ...(g.bmeDeep ? { bmeDeep: true } : {}),
    ...(g.fatDeep ? { fatDeep: true } : {}),
  }));
/** Cleo's false positive: an erosion in the first free right lower sacrum cell from the middle slice. */
function cleoExtra(t: Truth, slices: number): Cell {
  const taken = new Set(t.grid.map(key));
  for (let s = Math.floor(slices / 2); ; s++) {
    const c: Cell = { slice: s, joint: 'right', quadrant: 'lower_sacrum', lesions: ['erosion'] };
    if (!taken.has(key(c))) return c;
  }
}
/**
 * What each reader marks: Ada the generator's truth; Ben the truth without its last BME cell; Cleo
 * the truth without the "intense" flags, plus one erosion that is not there.
 */
function gridOf(reader: number, t: Truth, slices: number): Cell[] {
  const cells = truthCells(t);
  if (reader === 1) {
    const lastBme = cells.filter((c) => c.lesions.includes('bme')).at(-1);
    return cells.filter((c) => c !== lastBme);
  }
  if (reader === 2) return [...cells.map(({ bmeIntense: _, ...c }) => c), cleoExtra(t, slices)];
  return cells;
}
/** Positions where the three readers' marks cannot all agree, from the deviations above. */
function expectedDifferences(t: Truth, slices: number): string[] {
  const cells = truthCells(t);
  const lastBme = cells.filter((c) => c.lesions.includes('bme')).at(-1);
  return [
    ...new Set([
      ...(lastBme ? [key(lastBme)] : []),
      ...cells.filter((c) => c.bmeIntense).map(key),
      key(cleoExtra(t, slices)),
    ]),
  ].sort();
}

interface Workstation {
  dataDir: string;
  host: LoopbackHost;
  call: <T = Record<string, unknown>>(method: string, params: Record<string, unknown>) => Promise<T>;
  close(): Promise<void>;
}

let work: string;
let examDirs: string[];
let truths: Truth[];
let sliceCounts: number[];

/** A reader's own workstation: data folder with their profile, runtime with the test model, loopback host. */
async function workstation(reader: (typeof READERS)[number]): Promise<Workstation> {
  const dataDir = path.join(work, reader.name);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, 'reader.json'), JSON.stringify(reader));
  const runtime = await createRuntime({ dataDir, transport: 'loopback', model: { model: MODEL } });
  const host = await serveRuntime(runtime);
  let id = 0;
  const call = async <T>(method: string, params: Record<string, unknown>): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api`, {
      method: 'POST',
      body: JSON.stringify({ id: ++id, method, params }),
      headers: { authorization: `Bearer ${host.token}` },
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  };
  const report = await call<{ studies: string[] }>('studies.import', { paths: examDirs });
  expect(report.studies.sort()).toEqual(truths.map((t) => t.studyInstanceUid).sort());
  return {
    dataDir,
    host,
    call,
    async close() {
      await host.close();
      await runtime.close();
    },
  };
}

interface ReadingState {
  reading: {
    readingId: string;
    status: string;
    model: { tasks: { key: string; probability: number; threshold: number }[] } | null;
  };
  signBlockers: string[];
}

/** One blinded read through the API, as the form drives it; returns the reading id. */
async function read(ws: Workstation, reader: number, e: number, sign = true): Promise<string> {
  const uid = truths[e].studyInstanceUid;
  await ws.call('inference.run', { studyInstanceUid: uid });
  let state = await ws.call<ReadingState>('reading.open', { studyInstanceUid: uid, blinded: true });
  const readingId = state.reading.readingId;
  for (const cell of gridOf(reader, truths[e], sliceCounts[e]))
    await ws.call('reading.setCell', { readingId, cell });
  await ws.call('reading.patch', {
    readingId,
    patch: { sparccFirstSlice: Math.max(0, Math.floor(sliceCounts[e] / 2) - 3) },
  });
  const own: Record<string, Answer> = {
    active_inflammation: UNAIDED[e][reader],
    asas_bme: UNAIDED[e][reader],
    structural: 'no',
    overall_axspa: UNAIDED[e][reader],
  };
  for (const [k, answer] of Object.entries(own))
    await ws.call('reading.setJudgement', { readingId, key: k, answer, confidence: 3 });
  state = await ws.call<ReadingState>('reading.reveal', { readingId });
  const final: Record<string, Answer> = {
    active_inflammation: own.active_inflammation,
    asas_bme: AIDED[e][reader],
    structural: 'no',
  };
  for (const task of state.reading.model!.tasks) {
    const suggested: Answer = task.probability >= task.threshold ? 'yes' : 'no';
    if (suggested === final[task.key]) await ws.call('reading.accept', { readingId, key: task.key });
    else
      await ws.call('reading.override', {
        readingId,
        key: task.key,
        answer: final[task.key],
        reasonCode: 'disagree_extent',
        reasonText: `${READERS[reader].name} reads it as ${final[task.key]}`,
      });
  }
  if (sign) {
    state = await ws.call<ReadingState>('reading.sign', { readingId });
    expect(state.reading.status).toBe('signed');
  }
  return readingId;
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  examDirs = EXAMS.map(({ seed, findings }) =>
    ensurePhantom(path.join(repoRoot, 'test-output', 'e2e-compare', `exam-seed${seed}`), seed, [
      '--findings',
      findings,
    ]),
  );
  truths = examDirs.map((d) => JSON.parse(readFileSync(path.join(d, 'truth.json'), 'utf8')) as Truth);
  sliceCounts = examDirs.map((d) => readdirSync(path.join(d, 'STIR')).length);
  ensureRendererBuilt();
  work = mkdtempSync(path.join(os.tmpdir(), 'sij-compare-e2e-'));
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('three readers, three generated exams: import, blind first, compare in the UI, agreement', () => {
  const packages: string[] = [];
  let ada: Workstation;
  let browser: Browser | undefined;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });

  afterAll(async () => {
    await browser?.close();
    await ada?.close();
  });

  it('the exams differ: three studies, three seeds, their own truth', () => {
    expect(new Set(truths.map((t) => t.studyInstanceUid)).size).toBe(3);
    expect(truths.map((t) => [t.examId, t.labels.asas_bme])).toEqual([
      ['alpha-000031', true],
      ['alpha-000032', false],
      ['alpha-000033', true],
    ]);
    expect(truths[0].grid.length).toBeGreaterThan(0);
    expect(truths[1].grid).toEqual([]);
  });

  it('Ben and Cleo read on their workstations; Ben exports JSON, Cleo DICOM SR', async () => {
    for (const reader of [1, 2]) {
      const ws = await workstation(READERS[reader]);
      const ids: string[] = [];
      try {
        for (let e = 0; e < 3; e++) ids.push(await read(ws, reader, e));
      } finally {
        await ws.close();
      }
      for (let e = 0; e < 3; e++) {
        const name = `${READERS[reader].name.toLowerCase()}-e${e + 1}`;
        const out = path.join(work, reader === 1 ? `${name}.json` : `${name}.dcm`);
        const format = reader === 1 ? ['--json', out] : ['--sr', out, '--images', examDirs[e]];
        await sij('report', ids[e], ...format, '--data-dir', ws.dataDir);
        packages.push(out);
      }
    }
    expect(packages.map((p) => path.basename(p))).toEqual([
      'ben-e1.json',
      'ben-e2.json',
      'ben-e3.json',
      'cleo-e1.dcm',
      'cleo-e2.dcm',
      'cleo-e3.dcm',
    ]);
  }, 600_000);

  it("Ada reads, imports her colleagues' packages through the API, and blind first holds", async () => {
    ada = await workstation(READERS[0]);
    for (let e = 0; e < 3; e++) await read(ada, 0, e, e !== 2);
    const outcomes = await ada.call<{ source: string; status: string; match: { status: string } }[]>(
      'compare.importPackages',
      { paths: packages },
    );
    expect(outcomes.map((o) => `${path.basename(o.source)} ${o.status} ${o.match.status}`)).toEqual(
      packages.map((p) => `${path.basename(p)} imported matched`),
    );
    const studies = await ada.call<{ studyInstanceUid: string; signedReadings: number; mode: string }[]>(
      'compare.studies',
      {},
    );
    expect(
      truths.map((t) => {
        const s = studies.find((x) => x.studyInstanceUid === t.studyInstanceUid)!;
        return `${s.signedReadings} ${s.mode}`;
      }),
    ).toEqual(['3 reader', '3 reader', '2 null']);
    await expect(
      ada.call('compare.open', { studyInstanceUid: truths[2].studyInstanceUid, mode: 'reader' }),
    ).rejects.toThrow("Ada's reading of this study is not signed yet");
  }, 600_000);

  it('in Chromium: the refusal, then the comparison with differences on the grid and the images, then consensus', async () => {
    browser = await openBrowser();
    page = browser.page;
    await page.goto(ada.host.url);
    await page.getByTestId('study-row').first().waitFor({ timeout: 60_000 });
    const row = (e: number) => page.getByTestId('study-row').filter({ hasText: truths[e].examId });
    await expect.poll(() => page.getByTestId('compare-button').count()).toBe(3);
    expect(await row(2).locator('.readers').textContent()).toContain('2 signed');
    await shot('compare-worklist');

    // exam 3: Ada has not signed, so Compare shows why it will not open
    await row(2).getByTestId('compare-button').click();
    const refused = page.getByTestId('compare-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain("Ada's reading of this study is not signed yet");
    await shot('compare-blind-first');
    await page.getByRole('button', { name: '◀ Worklist' }).click();

    // exam 1: the comparison, its differing cells exactly where the readers' deviations put them
    await row(0).getByTestId('compare-button').click();
    await page.getByTestId('compare-view').waitFor();
    const headers = await page.locator('.judgements thead th').allTextContents();
    expect(headers.map((h) => h.trim().split(/\s/)[0])).toEqual(['Judgement', 'Ada', 'Ben', 'Cleo', 'Model']);
    const columns = ['upper_ilium', 'upper_sacrum', 'lower_ilium', 'lower_sacrum'];
    const differing = (
      await page
        .locator('[data-testid^="differing-cell-"]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!))
    )
      .map((id) => id.split('-').slice(2).map(Number))
      .map(([slice, c]) => `${slice}/${c < 4 ? 'right' : 'left'}/${columns[c % 4]}`)
      .sort();
    expect(differing).toEqual(expectedDifferences(truths[0], sliceCounts[0]));
    const asasRow = await page.getByTestId('judgement-asas_bme').textContent();
    expect(asasRow).toMatch(/yes \(3\/4\).*yes \(3\/4\).*yes \(3\/4\).*was no before model/);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    await shot('compare-exam1');

    // Cleo's false positive: the views go to that slice and tint the quadrant as a difference
    const extra = cleoExtra(truths[0], sliceCounts[0]);
    const col = columns.indexOf(extra.quadrant) + (extra.joint === 'right' ? 0 : 4);
    await page.getByTestId(`differing-cell-${extra.slice}-${col}`).click();
    const tint = page
      .locator('[data-view="stir-native"]')
      .getByTestId(`tint-${extra.joint}-${extra.quadrant}`);
    await tint.waitFor();
    expect(await tint.getAttribute('class')).toContain('difference');
    expect((await page.getByTestId('compare-slice-note').textContent())!.replace(/\s+/g, ' ')).toMatch(
      new RegExp(`Slice ${extra.slice + 1} readers differ: [^:]*R lower sacrum`),
    );
    await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
    await shot('compare-exam1-difference-on-image');

    await page.getByTestId('start-consensus').click();
    const consensus = page.getByTestId('consensus-result');
    await consensus.waitFor();
    expect((await consensus.textContent())!.replace(/\s+/g, ' ')).toMatch(
      /created from Ada v1, Ben v1, Cleo v1\./,
    );
    await shot('compare-consensus');
  }, 300_000);

  it('sij study-export + sij agreement give the kappas worked out by hand and by R', async () => {
    const signed = await ada.call<ReadingState>('reading.open', {
      studyInstanceUid: truths[2].studyInstanceUid,
    });
    await ada.call('reading.sign', { readingId: signed.reading.readingId });
    const truthCsv = path.join(work, 'truth.csv');
    writeFileSync(
      truthCsv,
      'case_id,truth\n' +
        truths.map((t) => `${t.studyInstanceUid},${t.labels.asas_bme ? 1 : 0}`).join('\n') +
        '\n',
    );
    const csv = path.join(work, 'readers.csv');
    await sij(
      'study-export',
      path.join(ada.dataDir, STORE_FILE),
      '--task',
      'asas_bme',
      '--truth',
      truthCsv,
      '--out',
      csv,
    );
    const table = readFileSync(csv, 'utf8').trim().split('\n');
    expect(table[0]).toBe(
      'case_id,truth,score,model,reader_Ada_unaided,reader_Ada_aided,reader_Ben_unaided,reader_Ben_aided,reader_Cleo_unaided,reader_Cleo_aided',
    );
    // rows in the order of the truth file's cases? check by case id instead
    const rows = new Map(table.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
    truths.forEach((t, e) => {
      const r = rows.get(t.studyInstanceUid)!;
      expect(r.slice(4).join(',')).toBe(
        [0, 1, 2].flatMap((i) => [UNAIDED[e][i], AIDED[e][i]].map((a) => (a === 'yes' ? 1 : 0))).join(','),
      );
    });

    const agreement = JSON.parse((await sij('agreement', csv, '--json')).stdout);
    const group = (cond: string) => agreement.groups.find((g: { condition: string }) => g.condition === cond);
    expect(group('unaided').cases).toBe(3);
    expect(group('unaided').fleiss.kappa).toBeCloseTo(FLEISS_UNAIDED, 12);
    expect(group('aided').fleiss.kappa).toBeCloseTo(FLEISS_AIDED, 12);
    const adaBen = group('unaided').pairwise.find(
      (p: { a: string; b: string }) => p.a === 'reader_Ada_unaided' && p.b === 'reader_Ben_unaided',
    );
    expect(adaBen.cohen.kappa).toBeCloseTo(COHEN_ADA_BEN_UNAIDED, 12);

    // R, from the exported file alone (base R: the irr package is not installed here)
    const r = await run('Rscript', [
      '-e',
      `d <- read.csv(commandArgs(TRUE)[1])
fleiss <- function(x) { n <- ncol(x); yes <- rowSums(x); no <- n - yes
  P <- mean((yes * (yes - 1) + no * (no - 1)) / (n * (n - 1))); p <- mean(x)
  Pe <- p^2 + (1 - p)^2; (P - Pe) / (1 - Pe) }
cohen <- function(a, b) { po <- mean(a == b); pe <- mean(a) * mean(b) + (1 - mean(a)) * (1 - mean(b)); (po - pe) / (1 - pe) }
u <- as.matrix(d[, grep("_unaided$", names(d))]); a <- as.matrix(d[, grep("_aided$", names(d))])
cat(sprintf("%.15f %.15f %.15f", fleiss(u), fleiss(a), cohen(d$reader_Ada_unaided, d$reader_Ben_unaided)))`,
      csv,
    ]);
    const [rUnaided, rAided, rCohen] = r.stdout.trim().split(' ').map(Number);
    expect(group('unaided').fleiss.kappa).toBeCloseTo(rUnaided, 12);
    expect(group('aided').fleiss.kappa).toBeCloseTo(rAided, 12);
    expect(adaBen.cohen.kappa).toBeCloseTo(rCohen, 12);
  }, 300_000);
});
