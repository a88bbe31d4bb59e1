import dcmjs from 'dcmjs';
import {
  CODES,
  importReadingJson,
  JUDGEMENT_CODES,
  JUDGEMENT_KEYS,
  LESION_CODE_VALUES,
  QUADRANT_LABELS,
  scoreSummary,
  type ReadingExport,
} from '../reading';

/**
 * Reads back the DICOM Comprehensive SR that electron/reading writes. The SR's coded items are what
 * PACS understand, but they are not the whole reading; the SR also carries the JSON export, which is
 * validated by the same schema as a JSON package. The coded items must say what that document says:
 * an SR whose codes were changed after export (or whose document was swapped) is refused.
 */

const SR_CLASS_PREFIX = '1.2.840.10008.5.1.4.1.1.88.';

type Item = {
  ValueType?: string;
  ConceptNameCodeSequence?: CodeItem | CodeItem[];
  ConceptCodeSequence?: CodeItem | CodeItem[];
  MeasuredValueSequence?: { NumericValue?: number | string } | { NumericValue?: number | string }[];
  TextValue?: string;
  ContentSequence?: Item | Item[];
};
type CodeItem = { CodeValue?: string; CodingSchemeDesignator?: string; CodeMeaning?: string };

/** dcmjs naturalizes a one-item sequence to that item, so both shapes are read as a list. */
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const conceptOf = (i: Item) => list(i.ConceptNameCodeSequence)[0];
const same = (c: CodeItem | undefined, code: CodeItem) =>
  c?.CodeValue === code.CodeValue && c?.CodingSchemeDesignator === code.CodingSchemeDesignator;
const find = (items: Item[], code: CodeItem) => items.find((i) => same(conceptOf(i), code));
const children = (i: Item | undefined) => list(i?.ContentSequence);
const yesNo = (i: Item | undefined): 'yes' | 'no' | null => {
  const v = list(i?.ConceptCodeSequence)[0];
  return same(v, CODES.yes) ? 'yes' : same(v, CODES.no) ? 'no' : null;
};
const numberOf = (i: Item | undefined): number | null => {
  const v = list(i?.MeasuredValueSequence)[0]?.NumericValue;
  return v === undefined ? null : Number(v);
};

/** The dataset of a DICOM Part 10 file, or a message naming the file. */
function readDataset(bytes: Uint8Array, source: string): Record<string, unknown> {
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return DicomMetaDictionary.naturalizeDataset(DicomMessage.readFile(buffer).dict);
  } catch (err) {
    throw new Error(`${source}: not a readable DICOM file (${(err as Error).message})`);
  }
}

/** What the SR's codes say, in the reading's own terms, for comparison with its document. */
function codedContent(content: Item[]) {
  const judgements = children(find(content, CODES.readerAssessment));
  const scores = children(find(content, CODES.scores));
  const grid = children(find(content, CODES.lesionGrid));
  return {
    judgements: Object.fromEntries(
      JUDGEMENT_KEYS.map((key) => {
        const item = find(judgements, JUDGEMENT_CODES[key]);
        return [
          key,
          {
            answer: yesNo(item),
            confidence: numberOf(find(children(item), CODES.confidence)),
            unassisted: yesNo(find(children(item), CODES.unassisted)),
          },
        ];
      }),
    ),
    sparcc: numberOf(scores.find((i) => conceptOf(i)?.CodeValue === 'sparcc-sij')),
    sss: numberOf(scores.find((i) => conceptOf(i)?.CodeValue === 'sss')),
    berlin: numberOf(scores.find((i) => conceptOf(i)?.CodeValue === 'berlin')),
    grid: Object.fromEntries(
      Object.entries(LESION_CODE_VALUES).flatMap(([lesion, value]) => {
        const text = grid.find((i) => conceptOf(i)?.CodeValue === value)?.TextValue;
        return text === undefined ? [] : [[lesion, gridPositions(text)]];
      }),
    ),
  };
}

/** "left upper ilium: slices 3, 4; right lower sacrum: slice 8" -> sorted "left/upper_ilium/2" keys. */
function gridPositions(text: string): string[] {
  const quadrantByLabel = new Map(Object.entries(QUADRANT_LABELS).map(([k, v]) => [v, k]));
  return text
    .split(';')
    .flatMap((part) => {
      const m = /^\s*(\w+) (.+?): slices? ([\d, ]+)\s*$/.exec(part);
      if (!m) return [`unreadable "${part.trim()}"`];
      return m[3].split(',').map((s) => `${m[1]}/${quadrantByLabel.get(m[2]) ?? m[2]}/${Number(s) - 1}`);
    })
    .sort();
}

/** The same summary computed from the embedded reading document. */
function documentContent(exported: ReadingExport) {
  const r = exported.reading;
  const s = scoreSummary(r);
  const grid: Record<string, string[]> = {};
  for (const lesion of Object.keys(LESION_CODE_VALUES)) {
    const keys = r.grid
      .filter((c) => (c.lesions as string[]).includes(lesion))
      .map((c) => `${c.joint}/${c.quadrant}/${c.slice}`)
      .sort();
    if (keys.length) grid[lesion] = keys;
  }
  return {
    judgements: Object.fromEntries(
      JUDGEMENT_KEYS.map((key) => {
        const j = r.judgements[key];
        return [
          key,
          {
            answer: j.answer,
            confidence: j.answer === null ? null : j.confidence,
            unassisted: j.answer === null ? null : (j.unassisted?.answer ?? null),
          },
        ];
      }),
    ),
    sparcc: s.sparcc?.score ?? null,
    sss: s.sss?.score ?? null,
    berlin: s.berlin,
    grid,
  };
}

/** The first difference between two plain values, as a path, or null when they are equal. */
function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        at ? `${at}.${k}` : k,
      );
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at}: coded ${JSON.stringify(a)}, document ${JSON.stringify(b)}`;
}

/**
 * An SIJ Reader reading SR -> the reading export it carries (same schema and score checks as a JSON
 * package). Every refusal names the file and what is wrong with it.
 */
export function readReadingSr(bytes: Uint8Array, source: string): ReadingExport {
  const ds = readDataset(bytes, source);
  const sopClass = String(ds.SOPClassUID ?? '');
  if (!sopClass.startsWith(SR_CLASS_PREFIX))
    throw new Error(
      `${source}: not a DICOM Structured Report (SOP class ${sopClass || 'missing'}); import the reading's JSON export or its SR`,
    );
  const content = list(ds.ContentSequence as Item | Item[] | undefined);
  const document = find(content, CODES.readingDocument)?.TextValue;
  if (document === undefined) {
    const title = list(ds.ConceptNameCodeSequence as CodeItem | CodeItem[] | undefined)[0]?.CodeMeaning;
    throw new Error(
      `${source}: a DICOM SR (${title ?? 'untitled'}) but not an SIJ Reader reading: it carries no reading document (99SIJR READING-DOC)`,
    );
  }
  const exported = importReadingJson(document, `${source} (embedded reading document)`);
  if (ds.StudyInstanceUID !== exported.reading.exam.studyInstanceUid)
    throw new Error(
      `${source}: the SR is of study ${String(ds.StudyInstanceUID)} but its reading document of study ${exported.reading.exam.studyInstanceUid}`,
    );
  const difference = firstDifference(codedContent(content), documentContent(exported));
  if (difference)
    throw new Error(
      `${source}: the SR's coded content disagrees with its reading document (${difference}); it was changed after export`,
    );
  return exported;
}
