import { describe, expect, it } from 'vitest';
import { readScoreTable } from '../../../electron/analysis';
import { parseTruthCsv, readerStudyTable, truthFromConsensus } from '../../../electron/compare';
import { ada, ben, examRef, modelOutput, signedReading } from './fixtures';

const e1 = examRef(1);
const e2 = examRef(2);
const uid1 = e1.studyInstanceUid;
const uid2 = e2.studyInstanceUid;
const all = (asas: 'yes' | 'no') =>
  ({ active_inflammation: 'no', asas_bme: asas, structural: 'no', overall_axspa: asas }) as const;

describe('readerStudyTable', () => {
  it('writes one row per exam and one column per reader, blank where a reader did not read', () => {
    const readings = [
      signedReading({ id: 'a1', author: ada, exam: e1, answers: all('yes') }),
      signedReading({ id: 'a2', author: ada, exam: e2, answers: all('no') }),
      signedReading({
        id: 'b1',
        author: { id: 'u-b', name: 'Dr. Ben Second' },
        exam: e1,
        answers: all('no'),
      }),
    ];
    const t = readerStudyTable(readings, {
      task: 'asas_bme',
      truth: new Map([
        [uid1, 1],
        [uid2, 0],
      ]),
    });
    expect(t.csv).toBe(
      ['case_id,truth,reader_Ada,reader_Dr_Ben_Second', `${uid1},1,1,0`, `${uid2},0,0,`, ''].join('\n'),
    );
    expect(t.warnings).toEqual([]);
    const parsed = readScoreTable(t.csv, 'export', { requireTruth: true });
    expect(parsed.readerColumns.map((c) => [c.reader, c.condition])).toEqual([
      ['Ada', 'plain'],
      ['Dr_Ben_Second', 'plain'],
    ]);
  });

  it('splits unaided and aided answers when the study was read blinded', () => {
    // Ada read blinded: exam 1 yes -> yes, exam 2 no -> yes after seeing the model.
    // Ben read exam 1 with the model shown (aided only) and exam 2 without any model (unaided only).
    const readings = [
      signedReading({
        id: 'a1',
        author: ada,
        exam: e1,
        model: modelOutput({ asas_bme: 0.7 }),
        unaided: all('yes'),
        answers: all('yes'),
      }),
      signedReading({
        id: 'a2',
        author: ada,
        exam: e2,
        model: modelOutput(),
        unaided: all('no'),
        answers: all('yes'),
      }),
      signedReading({
        id: 'b1',
        author: ben,
        exam: e1,
        model: modelOutput({ asas_bme: 0.7 }),
        answers: all('no'),
      }),
      signedReading({ id: 'b2', author: ben, exam: e2, answers: all('no') }),
    ];
    const t = readerStudyTable(readings, { task: 'asas_bme' });
    expect(t.csv).toBe(
      [
        'case_id,score,model,reader_Ada_unaided,reader_Ada_aided,reader_Ben_unaided,reader_Ben_aided',
        `${uid1},0.7,1,1,1,,0`,
        `${uid2},0.3,0,0,1,0,`,
        '',
      ].join('\n'),
    );
    const parsed = readScoreTable(t.csv, 'export', { requireTruth: false });
    expect(parsed.readerColumns.map((c) => `${c.reader}/${c.condition}`)).toEqual([
      'Ada/unaided',
      'Ada/aided',
      'Ben/unaided',
      'Ben/aided',
    ]);
  });

  it('leaves the model out, with a warning, when some exam has no model output', () => {
    const t = readerStudyTable(
      [
        signedReading({ id: 'a1', author: ada, exam: e1, model: modelOutput(), answers: all('no') }),
        signedReading({ id: 'a2', author: ada, exam: e2, answers: all('no') }),
      ],
      { task: 'asas_bme' },
    );
    expect(t.csv.split('\n')[0]).toBe('case_id,reader_Ada');
    expect(t.warnings).toEqual([
      '1 of 2 cases have no model output for asas_bme: the score and model columns are left out',
    ]);
  });

  it('lets the truth define the cases, saying which read cases it leaves out', () => {
    const readings = [
      signedReading({ id: 'a1', author: ada, exam: e1, answers: all('no') }),
      signedReading({ id: 'b2', author: ben, exam: e2, answers: all('no') }),
    ];
    const t = readerStudyTable(readings, {
      task: 'asas_bme',
      truth: new Map([
        [uid1, 0],
        ['9.9', 1],
      ]),
    });
    expect(t.csv).toBe(`case_id,truth,reader_Ada\n${uid1},0,0\n`);
    expect(t.warnings).toEqual([
      `no truth for ${uid2}: left out of the table`,
      'truth given for cases nobody read: 9.9',
    ]);
    expect(() => readerStudyTable(readings, { task: 'asas_bme', truth: new Map() })).toThrow(
      'no read case has a truth value',
    );
  });

  it('uses accession numbers as case ids on request', () => {
    const readings = [signedReading({ id: 'a1', author: ada, exam: e1, answers: all('no') })];
    expect(readerStudyTable(readings, { task: 'asas_bme', caseId: 'accession' }).cases).toEqual(['ACC1']);
  });
});

describe('truth sources', () => {
  it('reads a labels file by case id with a truth or task column, and rejects bad values by line', () => {
    expect([
      ...parseTruthCsv('exam_id,site,asas_bme\nx,alpha,true\ny,alpha,0\n', 'l.csv', 'asas_bme'),
    ]).toEqual([
      ['x', 1],
      ['y', 0],
    ]);
    expect(() => parseTruthCsv('case_id,truth\nx,maybe\n', 'l.csv', 'asas_bme')).toThrow(
      /^l\.csv line 2: .*'maybe'/,
    );
    expect(() => parseTruthCsv('case_id,other\nx,1\n', 'l.csv', 'asas_bme')).toThrow(
      "l.csv: no 'truth' or 'asas_bme' column",
    );
  });

  it('takes truth from signed consensus readings', () => {
    const cons = signedReading({ id: 'c1', author: ada, exam: e1, answers: all('yes') });
    expect([...truthFromConsensus([cons], 'asas_bme')]).toEqual([[uid1, 1]]);
  });
});
