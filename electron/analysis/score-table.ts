import { parseCsv, TableError } from './csv';

/** Whether a reader read with the model's output visible (aided), without it (unaided), or either. */
export type ReadingCondition = 'unaided' | 'aided' | 'plain';

export interface ReaderColumn {
  /** The CSV header, e.g. reader_A_unaided. */
  column: string;
  /** The reader's name, e.g. A. */
  reader: string;
  condition: ReadingCondition;
}

export interface ScoreRow {
  caseId: string;
  /** Reference standard, 1 positive; null only in tables read without a truth column. */
  truth: 0 | 1 | null;
  /** The model's score (e.g. probability); null when the table has no score column. */
  score: number | null;
  /** Extra predictors to compare with the main score, keyed by column (score_<name>). */
  otherScores: Record<string, number>;
  /** The model's binary call, from a `model` column, if present. */
  modelCall: 0 | 1 | null;
  /** Reader calls keyed by column; null where that reader did not read the case. */
  readers: Record<string, 0 | 1 | null>;
}

export interface ScoreTable {
  source: string;
  rows: ScoreRow[];
  hasTruth: boolean;
  hasScore: boolean;
  hasModelCall: boolean;
  otherScoreColumns: string[];
  readerColumns: ReaderColumn[];
}

const READER = /^reader_(.+?)(?:_(unaided|aided))?$/i;
const MISSING = new Set(['', 'na', 'nan', 'null', '-']);

export function readerColumnOf(column: string): ReaderColumn | null {
  const m = READER.exec(column);
  if (!m) return null;
  return {
    column,
    reader: m[1],
    condition: (m[2]?.toLowerCase() as ReadingCondition | undefined) ?? 'plain',
  };
}

export interface ReadOptions {
  /** Whether the table must have a truth column (evaluate: yes; agreement: no). */
  requireTruth: boolean;
}

/**
 * Reads the evaluation table: `case_id,truth,score[,score_*][,model][,reader_*]`. Reader columns
 * are `reader_<name>` or `reader_<name>_unaided` / `reader_<name>_aided` (blinded reader-study
 * readings). Calls are 0/1; blank or NA marks a case that reader did not read.
 */
export function readScoreTable(text: string, source: string, options: ReadOptions): ScoreTable {
  const records = parseCsv(text, source);
  if (records.length === 0) throw new TableError(source, null, 'the file is empty');
  const header = records[0].fields.map((h) => h.trim());
  const col = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
  const duplicate = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicate) throw new TableError(source, records[0].line, `column '${duplicate}' appears twice`);
  const caseCol = col('case_id');
  const truthCol = col('truth');
  const scoreCol = col('score');
  const modelCol = col('model');
  if (caseCol < 0) throw new TableError(source, records[0].line, "no 'case_id' column in the header");
  if (options.requireTruth && truthCol < 0)
    throw new TableError(source, records[0].line, "no 'truth' column in the header");
  const otherScoreColumns = header.filter((h) => /^score_.+/i.test(h));
  const readerColumns = header.map(readerColumnOf).filter((r): r is ReaderColumn => r !== null);
  const known = new Set([caseCol, truthCol, scoreCol, modelCol].filter((i) => i >= 0).map((i) => header[i]));
  const unknown = header.filter((h) => !known.has(h) && !otherScoreColumns.includes(h) && !readerColumnOf(h));
  if (unknown.length > 0) {
    throw new TableError(
      source,
      records[0].line,
      `unknown column '${unknown[0]}' (expected case_id, truth, score, score_<name>, model, reader_<name>[_unaided|_aided])`,
    );
  }

  const seen = new Set<string>();
  const rows = records.slice(1).map(({ line, fields }): ScoreRow => {
    if (fields.length !== header.length) {
      throw new TableError(source, line, `${fields.length} fields but the header has ${header.length}`);
    }
    const get = (i: number) => fields[i].trim();
    const caseId = get(caseCol);
    if (caseId === '') throw new TableError(source, line, 'case_id is empty');
    if (seen.has(caseId)) throw new TableError(source, line, `case '${caseId}' appears twice`);
    seen.add(caseId);
    const binary = (i: number, what: string, allowMissing: boolean): 0 | 1 | null => {
      const v = get(i);
      if (v === '0' || v === '1') return Number(v) as 0 | 1;
      if (allowMissing && MISSING.has(v.toLowerCase())) return null;
      throw new TableError(
        source,
        line,
        `${what} must be 0 or 1${allowMissing ? ' (or blank)' : ''}, got '${v}'`,
      );
    };
    const numeric = (i: number): number => {
      const v = get(i);
      const x = Number(v);
      if (v === '' || !Number.isFinite(x))
        throw new TableError(source, line, `${header[i]} must be a number, got '${v}'`);
      return x;
    };
    const readers: Record<string, 0 | 1 | null> = {};
    for (const r of readerColumns) readers[r.column] = binary(header.indexOf(r.column), r.column, true);
    const otherScores: Record<string, number> = {};
    for (const c of otherScoreColumns) otherScores[c] = numeric(header.indexOf(c));
    return {
      caseId,
      truth: truthCol >= 0 ? binary(truthCol, 'truth', false) : null,
      score: scoreCol >= 0 ? numeric(scoreCol) : null,
      otherScores,
      modelCall: modelCol >= 0 ? binary(modelCol, 'model', false) : null,
      readers,
    };
  });
  if (rows.length === 0) throw new TableError(source, null, 'the table has a header but no cases');
  return {
    source,
    rows,
    hasTruth: truthCol >= 0,
    hasScore: scoreCol >= 0,
    hasModelCall: modelCol >= 0,
    otherScoreColumns,
    readerColumns,
  };
}
