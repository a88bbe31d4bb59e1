import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { methods } from '../../../electron/api/compare';
import { ApiError } from '../../../electron/api/contract';
import { compareHandlers } from '../../../electron/compare';
import {
  createReading,
  newReading,
  signReadingVersion,
  editReading,
  setJudgement,
  exportReadingJson,
} from '../../../electron/reading';
import { openStore } from '../../../electron/store';
import { ada, at, ben, cleo, examRef, signedReading } from '../../unit/compare/fixtures';

const exam = examRef(1);
const uid = exam.studyInstanceUid;
const local = [
  {
    studyInstanceUid: uid,
    seriesInstanceUids: [exam.series.t1!.seriesInstanceUid, exam.series.stir!.seriesInstanceUid],
  },
];
const answers = (a: 'yes' | 'no') =>
  ({ active_inflammation: a, asas_bme: a, structural: 'no', overall_axspa: a }) as const;

/** Calls a handler as the dispatcher does: params and result through the contract's schemas. */
async function call<M extends keyof typeof methods>(
  h: ReturnType<typeof compareHandlers>,
  m: M,
  params: unknown,
): Promise<z.output<(typeof methods)[M]['result']>> {
  const spec = methods[m] as { params: z.ZodType; result: z.ZodType };
  const result = await (h[m] as (p: unknown) => Promise<unknown>)(spec.params.parse(params));
  return spec.result.parse(result) as z.output<(typeof methods)[M]['result']>;
}

describe('compare API handlers', () => {
  it('imports, refuses to show before the reader signed, then compares and starts a consensus', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-compare-api-'));
    const db = openStore(path.join(dir, 'store.db'));
    let me = ada;
    const h = compareHandlers({
      db,
      reader: () => me,
      localExams: async () => local,
      now: () => at(50),
      newReadingId: () => 'cons-api',
    });
    const files = [ben, cleo].map((p, i) => {
      const f = path.join(dir, `${p.name}.json`);
      const r = signedReading({
        id: `r-${p.name}`,
        author: p,
        exam,
        answers: answers(i === 0 ? 'yes' : 'no'),
      });
      writeFileSync(
        f,
        JSON.stringify(
          exportReadingJson(r, { exportedAt: at(9), softwareVersion: 't', deidentified: false }),
        ),
      );
      return f;
    });
    const imported = await call(h, 'compare.importPackages', { paths: files });
    expect(imported.map((o) => `${o.readingId}:${o.status}:${o.match?.status}`)).toEqual([
      'r-Ben:imported:matched',
      'r-Cleo:imported:matched',
    ]);

    // Ada has no reading yet: she may only open it as an adjudicator (the worklist asks her first)
    expect(await call(h, 'compare.studies', {})).toEqual([
      {
        studyInstanceUid: uid,
        signedReadings: 2,
        readers: ['Ben', 'Cleo'],
        mode: 'adjudicator',
        blocker: null,
      },
    ]);
    createReading(db, newReading({ readingId: 'r-ada', exam, author: ada, at: at(10), blinded: false }), ada);
    expect(await call(h, 'compare.studies', {})).toEqual([
      {
        studyInstanceUid: uid,
        signedReadings: 2,
        readers: ['Ben', 'Cleo'],
        mode: null,
        blocker: "Ada's reading of this study is not signed yet: sign it before seeing others' readings",
      },
    ]);
    const refused = call(h, 'compare.open', { studyInstanceUid: uid, mode: 'reader' });
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('not signed yet'),
    });

    editReading(db, 'r-ada', ada, 'edit', (r) => {
      for (const [k, v] of Object.entries(answers('yes')))
        r = setJudgement(r, k as keyof typeof r.judgements, { answer: v, confidence: 4 }, at(11));
      return r;
    });
    signReadingVersion(db, 'r-ada', ada, at(12));
    expect(await call(h, 'compare.studies', {})).toMatchObject([
      { signedReadings: 3, readers: ['Ada', 'Ben', 'Cleo'], mode: 'reader', blocker: null },
    ]);
    const c = await call(h, 'compare.open', { studyInstanceUid: uid, mode: 'reader' });
    expect(c.readers.map((r) => r.label)).toEqual(['Ada', 'Ben', 'Cleo']);
    expect(c.judgements.find((j) => j.key === 'asas_bme')!.readersAgree).toBe(false);

    me = { id: 'u-dora', name: 'Dora' };
    const cons = await call(h, 'compare.createConsensus', { studyInstanceUid: uid, mode: 'adjudicator' });
    expect(cons.readingId).toBe('cons-api');
    expect(cons.sources.map((s) => s.readingId)).toEqual(['r-ada', 'r-Ben', 'r-Cleo']);
    expect(cons.undecidedJudgements).toEqual([]);
  });

  it('turns a bad package into an unreadable error naming the file and field', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sij-compare-api-'));
    const db = openStore(path.join(dir, 'store.db'));
    const h = compareHandlers({ db, reader: () => ada, localExams: async () => local });
    const f = path.join(dir, 'bad.json');
    writeFileSync(
      f,
      JSON.stringify({
        ...signedReading({ id: 'x', author: ben, exam, answers: answers('no') }),
        version: 0,
      }),
    );
    await expect(call(h, 'compare.importPackages', { paths: [f] })).rejects.toMatchObject({
      code: 'unreadable',
      message: expect.stringMatching(/bad\.json: not a valid sij-reading\/1 reading: version/),
    });
  });

  it('validates parameters at the boundary', () => {
    expect(methods['compare.open'].params.safeParse({ studyInstanceUid: uid, mode: 'boss' }).success).toBe(
      false,
    );
    expect(
      methods['compare.open'].params.safeParse({ studyInstanceUid: uid, mode: 'reader', viewer: 'u-x' })
        .success,
    ).toBe(false);
    expect(
      methods['compare.createConsensus'].params.safeParse({
        studyInstanceUid: uid,
        mode: 'reader',
        sources: [{ readingId: 'a', version: 1 }],
      }).success,
    ).toBe(false);
  });
});
