import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/store';
import {
  acceptSuggestion,
  attachModelOutput,
  createReading,
  editReading,
  exportReadingJson,
  getReading,
  newReading,
  overrideSuggestion,
  revealModel,
  setCell,
  setJudgement,
  signReadingVersion,
  type ExamRef,
  type GridCell,
  type JudgementKey,
  type ModelOutput,
  type Person,
} from '../../../electron/reading';

/**
 * Three readers, each on their own workstation (store), read three generated exams blinded to the
 * model through electron/reading's store (the API has no reading methods yet), export their signed
 * readings with electron/reading's JSON export, and the first workstation imports the others' packages, compares, and
 * exports the reader-study table that `sij agreement` reads. Expected kappas are worked out by hand
 * below from the answers the readers give.
 */

const root = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const sij = (...args: string[]) => run('node', [path.join(root, 'bin/sij.mjs'), ...args], { cwd: root });

const readers: Person[] = [
  { id: 'u-ada', name: 'Ada' },
  { id: 'u-ben', name: 'Ben' },
  { id: 'u-cleo', name: 'Cleo' },
];

// ASAS BME answers, exams 1-3, readers Ada, Ben, Cleo. Model: p = 0.9, 0.6, 0.7 (threshold 0.5: all yes).
const unaided = [
  ['yes', 'yes', 'no'],
  ['no', 'no', 'no'],
  ['yes', 'no', 'yes'],
] as const;
const aided = [
  ['yes', 'yes', 'yes'], // Cleo accepts the model's yes
  ['no', 'no', 'yes'], //   Ada and Ben override the model's yes; Cleo accepts it
  ['yes', 'yes', 'yes'], // Ben accepts the model's yes
] as const;
const asasProbability = [0.9, 0.6, 0.7];

// Unaided Fleiss kappa, by hand (N = 3 cases, n = 3 raters):
//   yes counts per case 2, 0, 2 -> P_i = (2^2+1^2-3)/6 = 1/3, (0+9-3)/6 = 1, 1/3; mean P = 5/9
//   p_yes = 4/9, p_no = 5/9 -> P_e = 16/81 + 25/81 = 41/81
//   kappa = (45/81 - 41/81) / (40/81) = 0.1
// Aided: yes counts 3, 1, 3 -> P_i = 1, 1/3, 1; mean 7/9; p_yes = 7/9 -> P_e = 53/81;
//   kappa = (63/81 - 53/81) / (28/81) = 10/28
// Cohen, Ada vs Ben unaided: (1,0,1) vs (1,0,0): p_o = 2/3, p_e = 2/3*1/3 + 1/3*2/3 = 4/9,
//   kappa = (2/3 - 4/9) / (5/9) = 0.4
const FLEISS_UNAIDED = 0.1;
const FLEISS_AIDED = 10 / 28;
const COHEN_ADA_BEN_UNAIDED = 0.4;

// The grids, the same on every exam: Ada BME left upper ilium slices 6 and 7 (7 intense); Ben only
// slice 6; Cleo slices 6 and 7 (not intense) and an erosion right lower sacrum slice 8.
const grids: GridCell[][] = [
  [
    { slice: 6, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
    { slice: 7, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'], bmeIntense: true },
  ],
  [{ slice: 6, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] }],
  [
    { slice: 6, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
    { slice: 7, joint: 'left', quadrant: 'upper_ilium', lesions: ['bme'] },
    { slice: 8, joint: 'right', quadrant: 'lower_sacrum', lesions: ['erosion'] },
  ],
];

interface Truth {
  studyInstanceUid: string;
  labels: Record<string, boolean>;
  series: { t1: string; stir: string };
}

let work: string;
let exams: { ref: ExamRef; truth: Truth }[];
const at = (minute: number) => new Date(Date.parse('2026-11-30T12:00:00Z') + minute * 60_000).toISOString();

function modelFor(e: number): ModelOutput {
  return {
    modelId: 'sij-test',
    modelVersion: '1.0.0',
    modelName: 'test model',
    sha256: 'd'.repeat(64),
    clinicalUse: false,
    disclaimer: null,
    runAt: at(0),
    tasks: [
      { key: 'active_inflammation', label: 'active', probability: 0.8, threshold: 0.5 },
      { key: 'asas_bme', label: 'asas', probability: asasProbability[e], threshold: 0.5 },
      { key: 'structural', label: 'structural', probability: 0.1, threshold: 0.5 },
    ],
  };
}

/** One blinded read through the reading store, as the form drives it. */
function read(db: ReturnType<typeof openStore>, reader: number, e: number, sign = true) {
  const me = readers[reader];
  const id = `${me.name.toLowerCase()}-e${e + 1}`;
  const t = (m: number) => at(10 * (e + 1) + m);
  createReading(
    db,
    newReading({ readingId: id, exam: exams[e].ref, author: me, at: t(0), blinded: true }),
    me,
  );
  editReading(db, id, me, 'attach_model', (r) => attachModelOutput(r, modelFor(e), t(0)));
  for (const cell of grids[reader]) editReading(db, id, me, 'edit', (r) => setCell(r, cell, t(1)));
  const own: Record<JudgementKey, 'yes' | 'no'> = {
    active_inflammation: 'yes',
    asas_bme: unaided[e][reader],
    structural: 'no',
    overall_axspa: unaided[e][reader],
  };
  editReading(db, id, me, 'edit', (r) => {
    for (const k of Object.keys(own) as JudgementKey[])
      r = setJudgement(r, k, { answer: own[k], confidence: 2 }, t(2));
    return r;
  });
  editReading(db, id, me, 'reveal_model', (r) => revealModel(r, t(3)));
  editReading(db, id, me, 'accept', (r) => acceptSuggestion(r, 'active_inflammation', t(4)));
  editReading(db, id, me, 'accept', (r) => acceptSuggestion(r, 'structural', t(4)));
  const final = aided[e][reader];
  editReading(db, id, me, final === 'yes' ? 'accept' : 'override', (r) =>
    final === 'yes'
      ? acceptSuggestion(r, 'asas_bme', t(4))
      : overrideSuggestion(
          r,
          'asas_bme',
          { answer: 'no', reasonCode: 'mimic', reasonText: 'postpartum' },
          t(4),
        ),
  );
  if (sign) signReadingVersion(db, id, me, t(5));
  return id;
}

/**
 * One generated phantom exam and two copies re-identified with dcmtk's dcmodify (new Study, Series
 * and SOP Instance UIDs): three distinct exams on disk for the price of one generation, which is the
 * slow part on this machine.
 */
beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sij-compare-e2e-'));
  const first = path.join(work, 'exams', 'e1');
  await sij('phantom', '--out', first, '--seed', '11');
  const truth = JSON.parse(readFileSync(path.join(first, 'truth.json'), 'utf8')) as Truth;
  const uids = [
    truth,
    ...[2, 3].map((n) => ({
      ...truth,
      studyInstanceUid: `2.25.77${n}0`,
      series: { t1: `2.25.77${n}1`, stir: `2.25.77${n}2` },
    })),
  ];
  for (const n of [2, 3]) {
    const dir = path.join(work, 'exams', `e${n}`);
    cpSync(first, dir, { recursive: true });
    for (const [sub, series] of [
      ['T1', uids[n - 1].series.t1],
      ['STIR', uids[n - 1].series.stir],
    ] as const) {
      const files = readdirSync(path.join(dir, sub)).map((f) => path.join(dir, sub, f));
      await run('dcmodify', [
        '-nb',
        '-gin',
        '-m',
        `(0020,000D)=${uids[n - 1].studyInstanceUid}`,
        '-m',
        `(0020,000E)=${series}`,
        ...files,
      ]);
    }
  }
  exams = uids.map((t, i) => {
    const slices = (sub: string) => readdirSync(path.join(work, 'exams', `e${i + 1}`, sub)).length;
    return {
      truth: t,
      ref: {
        studyInstanceUid: t.studyInstanceUid,
        patient: {},
        series: {
          t1: { seriesInstanceUid: t.series.t1, sliceCount: slices('T1') },
          stir: { seriesInstanceUid: t.series.stir, sliceCount: slices('STIR') },
        },
        imageHash: null,
      },
    };
  });
}, 180_000);

describe('three readers, three exams: import, compare, reader-study agreement', () => {
  it('runs the whole second-opinion workflow', async () => {
    // each reader on their own workstation; Ada has not signed exam 3 yet
    const stores = readers.map((r) => path.join(work, r.name, 'store.db'));
    for (const f of stores) mkdirSync(path.dirname(f), { recursive: true });
    const packages = path.join(work, 'packages');
    mkdirSync(packages);
    readers.forEach((reader, i) => {
      const db = openStore(stores[i]);
      for (let e = 0; e < 3; e++) {
        const id = read(db, i, e, !(i === 0 && e === 2));
        if (i > 0)
          writeFileSync(
            path.join(packages, `${id}.json`),
            JSON.stringify(
              exportReadingJson(getReading(db, id), {
                exportedAt: at(90),
                softwareVersion: 'test',
                deidentified: false,
              }),
            ),
          );
      }
      writeFileSync(path.join(work, reader.name, 'reader.json'), JSON.stringify(reader));
      db.close();
    });
    // a colleague's reading of an exam this workstation does not have
    const stray = JSON.parse(readFileSync(path.join(packages, 'ben-e1.json'), 'utf8'));
    stray.reading.readingId = 'ben-elsewhere';
    stray.reading.exam.studyInstanceUid = '2.25.1234';
    writeFileSync(path.join(work, 'stray.json'), JSON.stringify(stray));

    const pkgFiles = readdirSync(packages).map((f) => path.join(packages, f));
    const imported = await sij(
      'import-reading',
      ...pkgFiles,
      path.join(work, 'stray.json'),
      '--db',
      stores[0],
      '--exams',
      path.join(work, 'exams'),
      '--json',
    );
    const outcomes = JSON.parse(imported.stdout) as {
      readingId: string;
      status: string;
      match: { status: string };
    }[];
    expect(outcomes.map((o) => `${o.readingId} ${o.status} ${o.match.status}`).sort()).toEqual([
      'ben-e1 imported matched',
      'ben-e2 imported matched',
      'ben-e3 imported matched',
      'ben-elsewhere imported absent',
      'cleo-e1 imported matched',
      'cleo-e2 imported matched',
      'cleo-e3 imported matched',
    ]);

    // blind first: Ada has not signed exam 3, so she cannot see her colleagues' readings of it
    const uid = (e: number) => exams[e].ref.studyInstanceUid;
    const blocked = await sij('compare', stores[0], '--study', uid(2), '--json').catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(blocked).toMatchObject({ code: 2 });
    expect((blocked as { stderr: string }).stderr).toContain("Ada's reading of this study is not signed yet");
    const db = openStore(stores[0]);
    signReadingVersion(db, 'ada-e3', readers[0], at(100));
    db.close();

    // the comparison of exam 2 shows every difference the readers made
    const compared = JSON.parse((await sij('compare', stores[0], '--study', uid(1), '--json')).stdout);
    const c = compared.comparison;
    expect(c.readers.map((r: { label: string; origin: string }) => `${r.label}/${r.origin}`)).toEqual([
      'Ada/local',
      'Ben/imported',
      'Cleo/imported',
    ]);
    expect(
      c.grid.map(
        (g: {
          slice: number;
          joint: string;
          quadrant: string;
          features: { feature: string; by: boolean[] }[];
        }) =>
          `${g.slice}/${g.joint}/${g.quadrant} ${g.features.map((f) => `${f.feature}:${f.by.map((b) => (b ? 'x' : '-')).join('')}`).join(' ')}`,
      ),
    ).toEqual([
      '6/left/upper_ilium bme:xxx',
      '7/left/upper_ilium bme:x-x bme_intense:x--',
      '8/right/lower_sacrum erosion:--x',
    ]);
    const asas = c.judgements.find((j: { key: string }) => j.key === 'asas_bme');
    expect(
      asas.readers.map(
        (r: { answer: string; unassisted: { answer: string } }) => `${r.unassisted.answer}->${r.answer}`,
      ),
    ).toEqual(['no->no', 'no->no', 'no->yes']);
    expect(asas.againstModel).toEqual(['Ada', 'Ben']);
    expect(c.overrides.map((o: { reader: string; key: string }) => `${o.reader}:${o.key}`)).toEqual([
      'Ada:asas_bme',
      'Ben:asas_bme',
    ]);
    expect(
      c.pairs.map(
        (p: { a: string; b: string; cellsDiffering: number }) => `${p.a}-${p.b}:${p.cellsDiffering}`,
      ),
    ).toEqual(['Ada-Ben:1', 'Ada-Cleo:2', 'Ben-Cleo:2']);

    // reader-study table, truth from the phantoms, then sij agreement on it
    const truthCsv = path.join(work, 'truth.csv');
    writeFileSync(
      truthCsv,
      'case_id,truth\n' +
        exams.map((e) => `${e.ref.studyInstanceUid},${e.truth.labels.asas_bme ? 1 : 0}`).join('\n') +
        '\n',
    );
    const csv = path.join(work, 'readers.csv');
    const exported = await sij(
      'study-export',
      stores[0],
      '--task',
      'asas_bme',
      '--truth',
      truthCsv,
      '--out',
      csv,
    );
    // the stray exam, read by Ben only, has no truth: left out, and said so
    expect(exported.stderr).toContain('warning: no truth for 2.25.1234: left out of the table');
    const table = readFileSync(csv, 'utf8').trim().split('\n');
    expect(table[0]).toBe(
      'case_id,truth,score,model,reader_Ada_unaided,reader_Ada_aided,reader_Ben_unaided,reader_Ben_aided,reader_Cleo_unaided,reader_Cleo_aided',
    );
    expect(table).toHaveLength(4);
    const agreement = JSON.parse((await sij('agreement', csv, '--json')).stdout);
    const group = (cond: string) => agreement.groups.find((g: { condition: string }) => g.condition === cond);
    expect(group('unaided').cases).toBe(3);
    expect(group('unaided').fleiss.kappa).toBeCloseTo(FLEISS_UNAIDED, 12);
    expect(group('aided').fleiss.kappa).toBeCloseTo(FLEISS_AIDED, 12);
    const adaBen = group('unaided').pairwise.find(
      (p: { a: string; b: string }) => p.a === 'reader_Ada_unaided' && p.b === 'reader_Ben_unaided',
    );
    expect(adaBen.cohen.kappa).toBeCloseTo(COHEN_ADA_BEN_UNAIDED, 12);
  }, 240_000);
});
