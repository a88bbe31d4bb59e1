import { parseCsv } from '../analysis';
import { suggestionFor, type JudgementKey, type Reading } from '../reading';

/**
 * The reader-study table `sij evaluate` / `sij agreement` read: case_id, truth, score, model,
 * reader_<name> (or reader_<name>_unaided / _aided when the study was read blinded), one row per
 * exam, 0/1 calls, blank where a reader did not read the case.
 */

export interface StudyTableOptions {
  task: JudgementKey;
  /** reference standard per case id; omitted: no truth column (enough for `sij agreement`) */
  truth?: ReadonlyMap<string, 0 | 1>;
  /** case id: the Study Instance UID (default) or the accession number */
  caseId?: 'study' | 'accession';
}

export interface StudyTable {
  csv: string;
  cases: string[];
  readers: { column: string; authorId: string; name: string }[];
  /** why a column is missing or a value was chosen: for the user, never silent */
  warnings: string[];
}

const call = (a: 'yes' | 'no' | null | undefined) => (a === 'yes' ? '1' : a === 'no' ? '0' : '');

function columnName(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'reader';
  // a name ending like a condition would be read as one
  if (/_(un)?aided$/i.test(base)) base += '_r';
  let col = `reader_${base}`;
  for (let n = 2; taken.has(col.toLowerCase()); n++) col = `reader_${base}_${n}`;
  taken.add(col.toLowerCase());
  return col;
}

function caseIdOf(r: Reading, kind: 'study' | 'accession'): string {
  if (kind === 'study') return r.exam.studyInstanceUid;
  const acc = r.exam.accessionNumber?.trim();
  if (!acc)
    throw new Error(
      `reading ${r.readingId} (study ${r.exam.studyInstanceUid}) has no accession number to use as case id`,
    );
  return acc;
}

export function readerStudyTable(readings: readonly Reading[], opts: StudyTableOptions): StudyTable {
  if (readings.length === 0) throw new Error('no signed readings to export');
  const warnings: string[] = [];
  const kind = opts.caseId ?? 'study';
  const task = opts.task;

  // one reading per (case, author): the most recently signed, with a warning
  const cell = new Map<string, Reading>();
  const authors = new Map<string, string>();
  for (const r of readings) {
    if (r.status !== 'signed') throw new Error(`reading ${r.readingId} v${r.version} is not signed`);
    const key = `${caseIdOf(r, kind)}\u0000${r.author.id}`;
    const prev = cell.get(key);
    if (prev) {
      warnings.push(
        `${r.author.name} has two readings of ${caseIdOf(r, kind)} (${prev.readingId}, ${r.readingId}); the later signed one is used`,
      );
      if (Date.parse(prev.signedAt!) >= Date.parse(r.signedAt!)) continue;
    }
    cell.set(key, r);
    if (!authors.has(r.author.id)) authors.set(r.author.id, r.author.name);
  }
  // with a reference standard, it defines the cases: a read case without truth is left out, loudly
  const readCases = [...new Set(readings.map((r) => caseIdOf(r, kind)))].sort();
  const cases = opts.truth ? readCases.filter((c) => opts.truth!.has(c)) : readCases;
  if (opts.truth) {
    const dropped = readCases.filter((c) => !opts.truth!.has(c));
    if (dropped.length > 0) warnings.push(`no truth for ${dropped.join(', ')}: left out of the table`);
    const unread = [...opts.truth.keys()].filter((c) => !readCases.includes(c));
    if (unread.length > 0) warnings.push(`truth given for cases nobody read: ${unread.join(', ')}`);
    if (cases.length === 0) throw new Error('no read case has a truth value');
  }
  const readingOf = (c: string, authorId: string) => cell.get(`${c}\u0000${authorId}`);
  const taken = new Set<string>();
  // columns by reader name, so the table does not depend on the order packages were imported in
  const readers = [...authors]
    .sort(([idA, a], [idB, b]) => a.localeCompare(b) || idA.localeCompare(idB))
    .filter(([authorId]) => cases.some((c) => readingOf(c, authorId)))
    .map(([authorId, name]) => ({ authorId, name, column: columnName(name, taken) }));

  const blindedStudy = readings.some((r) => r.blinded && r.model !== null);

  // the model: one output per case; differing runs are reported and the earliest is used
  const modelOf = new Map<string, { probability: number; answer: 'yes' | 'no' }>();
  for (const c of cases) {
    const runs = readings
      .filter((r) => caseIdOf(r, kind) === c && r.model !== null && suggestionFor(r.model, task) !== null)
      .sort((a, b) => a.model!.runAt.localeCompare(b.model!.runAt));
    if (runs.length === 0) continue;
    const s = suggestionFor(runs[0].model, task)!;
    if (runs.some((r) => suggestionFor(r.model, task)!.probability !== s.probability))
      warnings.push(
        `case ${c}: readings carry different model probabilities for ${task}; the earliest run is used`,
      );
    modelOf.set(c, { probability: s.probability, answer: s.answer });
  }
  const withModel = modelOf.size === cases.length;
  if (!withModel && modelOf.size > 0)
    warnings.push(
      `${cases.length - modelOf.size} of ${cases.length} cases have no model output for ${task}: the score and model columns are left out`,
    );

  const header = ['case_id'];
  if (opts.truth) header.push('truth');
  if (withModel) header.push('score', 'model');
  for (const r of readers)
    header.push(...(blindedStudy ? [`${r.column}_unaided`, `${r.column}_aided`] : [r.column]));

  const rows = cases.map((c) => {
    const row = [c];
    if (opts.truth) row.push(String(opts.truth.get(c)));
    if (withModel) row.push(String(modelOf.get(c)!.probability), call(modelOf.get(c)!.answer));
    for (const reader of readers) {
      const r = readingOf(c, reader.authorId);
      const j = r?.judgements[task];
      if (!blindedStudy) {
        row.push(call(j?.answer));
        continue;
      }
      // unaided: committed before the model was shown, or read with no model at all;
      // aided: the final answer of a reading that showed the model
      const unaided = r ? (r.model === null ? j!.answer : (j!.unassisted?.answer ?? null)) : null;
      const aided = r && r.model !== null ? j!.answer : null;
      row.push(call(unaided), call(aided));
    }
    return row;
  });
  const quote = (f: string) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  const csv = [header, ...rows].map((r) => r.map(quote).join(',')).join('\n') + '\n';
  return { csv, cases, readers, warnings };
}

/**
 * A reference-standard file: `case_id` (or `study_instance_uid` / `accession`) and either `truth`
 * or a column named after the task, values 0/1 (or true/false, yes/no).
 */
export function parseTruthCsv(text: string, source: string, task: JudgementKey): Map<string, 0 | 1> {
  const records = parseCsv(text, source);
  if (records.length < 2) throw new Error(`${source}: needs a header and at least one case`);
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  const idCol = ['case_id', 'study_instance_uid', 'accession', 'exam_id']
    .map((n) => header.indexOf(n))
    .find((i) => i >= 0);
  if (idCol === undefined) throw new Error(`${source}: no case_id (or study_instance_uid, accession) column`);
  const valueCol = [header.indexOf('truth'), header.indexOf(task)].find((i) => i >= 0);
  if (valueCol === undefined) throw new Error(`${source}: no 'truth' or '${task}' column`);
  const out = new Map<string, 0 | 1>();
  for (const { line, fields } of records.slice(1)) {
    const id = fields[idCol]?.trim() ?? '';
    const v = (fields[valueCol] ?? '').trim().toLowerCase();
    const value = ['1', 'true', 'yes'].includes(v) ? 1 : ['0', 'false', 'no'].includes(v) ? 0 : null;
    if (id === '' || value === null)
      throw new Error(
        `${source} line ${line}: needs a case id and a 0/1 ${header[valueCol]}, got '${id}', '${v}'`,
      );
    if (out.has(id)) throw new Error(`${source} line ${line}: case '${id}' appears twice`);
    out.set(id, value);
  }
  return out;
}

/** Truth from signed consensus readings: their answer for the task, by case. */
export function truthFromConsensus(
  consensus: readonly Reading[],
  task: JudgementKey,
  caseId: 'study' | 'accession' = 'study',
) {
  const out = new Map<string, 0 | 1>();
  for (const r of consensus) {
    const a = r.judgements[task].answer;
    if (a !== null) out.set(caseIdOf(r, caseId), a === 'yes' ? 1 : 0);
  }
  return out;
}
