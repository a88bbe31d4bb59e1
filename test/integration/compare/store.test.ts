import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BlindFirstError,
  comparisonViews,
  consensusProvenance,
  createConsensus,
  importReadings,
  importedReadings,
  openComparison,
  parseReadingPackage,
  readingDigest,
  studyReadingSet,
} from '../../../electron/compare';
import { openStore } from '../../../electron/store';
import {
  amendReadingVersion,
  createReading,
  editReading,
  getReading,
  newReading,
  readingAudit,
  setJudgement,
  signReadingVersion,
  type Person,
  type Reading,
} from '../../../electron/reading';
import { ada, at, ben, cleo, examRef, signedReading } from '../../unit/compare/fixtures';

const exam = examRef(1);
const uid = exam.studyInstanceUid;
const dora: Person = { id: 'u-dora', name: 'Dora' };
const answers = (asas: 'yes' | 'no') =>
  ({ active_inflammation: 'yes', asas_bme: asas, structural: 'no', overall_axspa: asas }) as const;
const tmpDb = () => openStore(path.join(mkdtempSync(path.join(os.tmpdir(), 'sij-compare-')), 'store.db'));
const pkg = (r: Reading, file: string) => parseReadingPackage(JSON.stringify(r), file);

/** Stores a signed reading through electron/reading's store, as the workstation would have. */
function storeSigned(db: ReturnType<typeof tmpDb>, r: Reading) {
  createReading(db, { ...r, status: 'draft', signer: null, signedAt: null }, r.author);
  signReadingVersion(db, r.readingId, r.author, r.signedAt!);
}

const benReading = signedReading({ id: 'r-ben', author: ben, exam, answers: answers('no'), minute: 10 });
const cleoReading = signedReading({ id: 'r-cleo', author: cleo, exam: examRef(7), answers: answers('yes') });

describe('importing reading packages', () => {
  it('keeps readings, matched or flagged, and recognises re-imports and conflicts', () => {
    const db = tmpDb();
    const local = [
      {
        studyInstanceUid: uid,
        seriesInstanceUids: [exam.series.t1!.seriesInstanceUid, exam.series.stir!.seriesInstanceUid],
      },
    ];
    const opts = { importedBy: ada, at: at(20), localExams: local };
    const out = importReadings(db, [...pkg(benReading, 'ben.json'), ...pkg(cleoReading, 'cleo.json')], opts);
    expect(out.map((o) => [o.source, o.status, o.match?.status])).toEqual([
      ['ben.json', 'imported', 'matched'],
      ['cleo.json', 'imported', 'absent'],
    ]);
    expect(importedReadings(db).map((i) => [i.reading.readingId, i.matchStatus])).toEqual([
      ['r-ben', 'matched'],
      ['r-cleo', 'absent'],
    ]);
    expect(importReadings(db, pkg(benReading, 'again.json'), opts)[0].status).toBe('duplicate');
    const changed = { ...benReading, comment: 'edited elsewhere' };
    expect(() => importReadings(db, pkg(changed, 'forged.json'), opts)).toThrow(
      'forged.json: reading r-ben v1 was imported before with different content',
    );
    // the store refuses to rewrite or delete what arrived
    expect(() => db.prepare(`DELETE FROM compare_imports`).run()).toThrow(/cannot be deleted/);
    expect(() => db.prepare(`UPDATE compare_imports SET source = 'x'`).run()).toThrow(/kept as it arrived/);
  });

  it('recognises its own reading coming back', () => {
    const db = tmpDb();
    const adaReading = signedReading({ id: 'r-ada', author: ada, exam, answers: answers('yes') });
    storeSigned(db, adaReading);
    const own = getReading(db, 'r-ada');
    expect(
      importReadings(db, pkg(own, 'own.json'), { importedBy: ada, at: at(20), localExams: null })[0],
    ).toMatchObject({
      status: 'local',
      match: null,
    });
    expect(importedReadings(db)).toEqual([]);
  });
});

describe('blind first and consensus in the store', () => {
  function studyWithTwoReaders() {
    const db = tmpDb();
    importReadings(db, pkg(benReading, 'ben.json'), { importedBy: ada, at: at(20), localExams: null });
    createReading(db, newReading({ readingId: 'r-ada', exam, author: ada, at: at(21), blinded: false }), ada);
    return db;
  }
  function finishAda(db: ReturnType<typeof tmpDb>) {
    editReading(db, 'r-ada', ada, 'edit', (r) => {
      for (const k of ['active_inflammation', 'asas_bme', 'structural', 'overall_axspa'] as const)
        r = setJudgement(r, k, { answer: answers('yes')[k], confidence: 3 }, at(22));
      return r;
    });
    signReadingVersion(db, 'r-ada', ada, at(23));
  }

  it('hides colleagues’ readings until the viewer has signed their own, and logs each opening', () => {
    const db = studyWithTwoReaders();
    expect(() =>
      openComparison(db, { viewer: ada, studyInstanceUid: uid, mode: 'reader', at: at(22) }),
    ).toThrow(BlindFirstError);
    expect(() =>
      openComparison(db, { viewer: ada, studyInstanceUid: uid, mode: 'reader', at: at(22) }),
    ).toThrow(/not signed yet/);
    expect(comparisonViews(db)).toEqual([]);
    finishAda(db);
    const { comparison } = openComparison(db, {
      viewer: ada,
      studyInstanceUid: uid,
      mode: 'reader',
      at: at(24),
    });
    expect(comparison.readers.map((r) => [r.label, r.origin])).toEqual([
      ['Ada', 'local'],
      ['Ben', 'imported'],
    ]);
    expect(comparison.pairs[0].judgementsDiffering).toEqual(['asas_bme', 'overall_axspa']);
    expect(comparisonViews(db)).toEqual([
      { studyInstanceUid: uid, viewerId: ada.id, mode: 'reader', at: at(24) },
    ]);
  });

  it('counts the reading signed before the comparison, not an amendment made after it', () => {
    const db = studyWithTwoReaders();
    finishAda(db);
    openComparison(db, { viewer: ada, studyInstanceUid: uid, mode: 'reader', at: at(24) });
    amendReadingVersion(db, 'r-ada', ada, 'second thoughts after comparison', at(25));
    editReading(db, 'r-ada', ada, 'edit', (r) => setJudgement(r, 'asas_bme', { answer: 'no' }, at(26)));
    signReadingVersion(db, 'r-ada', ada, at(27));
    const set = studyReadingSet(db);
    expect(
      set.readings.map((r) => `${r.readingId} v${r.version} ${r.judgements.asas_bme.answer}`).sort(),
    ).toEqual(['r-ada v1 yes', 'r-ben v1 no']);
  });

  it('creates a consensus through the reading store, with its sources recorded and audited', () => {
    const db = studyWithTwoReaders();
    finishAda(db);
    // Ada read the study, so she cannot adjudicate it; Dora, who did not, can
    expect(() =>
      createConsensus(db, {
        adjudicator: ada,
        studyInstanceUid: uid,
        mode: 'adjudicator',
        readingId: 'cons-1',
        at: at(30),
      }),
    ).toThrow(/as a reader, not as an adjudicator/);
    const made = createConsensus(db, {
      adjudicator: dora,
      studyInstanceUid: uid,
      mode: 'adjudicator',
      readingId: 'cons-1',
      at: at(30),
    });
    expect(made.undecidedJudgements).toEqual(['asas_bme', 'overall_axspa']);
    const stored = getReading(db, 'cons-1');
    expect(stored).toMatchObject({ status: 'draft', author: dora });
    expect(readingAudit(db, 'cons-1')).toMatchObject([{ action: 'create', actor: { id: dora.id } }]);
    const prov = consensusProvenance(db, 'cons-1')!;
    expect(prov.adjudicator).toEqual({ id: dora.id, name: 'Dora' });
    expect(prov.sources.map((s) => [s.origin, s.readingId, s.version, s.author.name])).toEqual([
      ['local', 'r-ada', 1, 'Ada'],
      ['imported', 'r-ben', 1, 'Ben'],
    ]);
    expect(prov.sources[0].sha256).toBe(readingDigest(getReading(db, 'r-ada', 1)));
    expect(consensusProvenance(db, 'r-ada')).toBeNull();
    expect(comparisonViews(db)).toEqual([
      { studyInstanceUid: uid, viewerId: dora.id, mode: 'adjudicator', at: at(30) },
    ]);
    expect(() => db.prepare(`UPDATE compare_consensus SET sources = '[]'`).run()).toThrow(/immutable/);
    // the consensus is not one of the readers of a reader study
    editReading(db, 'cons-1', dora, 'edit', (r) => {
      for (const k of ['active_inflammation', 'asas_bme', 'structural', 'overall_axspa'] as const)
        r = setJudgement(r, k, { answer: 'yes', confidence: 4 }, at(31));
      return r;
    });
    signReadingVersion(db, 'cons-1', dora, at(32));
    const set = studyReadingSet(db);
    expect(set.consensus.map((r) => r.readingId)).toEqual(['cons-1']);
    // shown beside its sources as a consensus; a later consensus is drawn from the readers only
    const { comparison } = openComparison(db, {
      viewer: dora,
      studyInstanceUid: uid,
      mode: 'reader',
      at: at(33),
    });
    expect(comparison.readers.map((r) => `${r.label}/${r.origin}`)).toEqual([
      'Ada/local',
      'Dora/consensus',
      'Ben/imported',
    ]);
    const again = createConsensus(db, {
      adjudicator: dora,
      studyInstanceUid: uid,
      mode: 'reader',
      readingId: 'cons-2',
      at: at(34),
    });
    expect(again.sources.map((s) => s.readingId)).toEqual(['r-ada', 'r-ben']);
    expect(set.readings.map((r) => r.readingId).sort()).toEqual(['r-ada', 'r-ben']);
  });

  it('refuses a consensus source that is not a signed reading of the study', () => {
    const db = studyWithTwoReaders();
    expect(() =>
      createConsensus(db, {
        adjudicator: dora,
        studyInstanceUid: uid,
        mode: 'adjudicator',
        readingId: 'cons-1',
        at: at(30),
        sources: [
          { readingId: 'r-ada', version: 1 },
          { readingId: 'r-ben', version: 1 },
        ],
      }),
    ).toThrow('reading r-ada v1 is not a signed reading shown for study ' + uid);
    expect(() => getReading(db, 'cons-1')).toThrow(/no reading cons-1/);
  });
});
