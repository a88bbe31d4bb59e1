import { JOINTS, LESION_TYPES, QUADRANTS } from '../grid';
import {
  CONFIDENCE_LABELS,
  JUDGEMENT_LABELS,
  LESION_LABELS,
  MIMICS,
  QUADRANT_LABELS,
  REASON_LABELS,
} from '../labels';
import { JUDGEMENT_KEYS, suggestionFor, type Reading } from '../schema';
import { scoreSummary } from '../export/scoreSummary';

/** A key image for the report: a PNG and what it shows. */
export interface ReportImage {
  caption: string;
  png: Buffer;
}

export interface ReportRow {
  cells: string[];
}

/**
 * Everything a report says, as text, in the order it says it. The PDF and HTML writers only lay
 * it out, so both always show the same content.
 */
export interface ReportContent {
  title: string;
  draft: boolean;
  /** shown as a red banner when the model is not for clinical use */
  modelWarning: string | null;
  header: [string, string][];
  judgements: { head: string[]; rows: string[][] };
  scores: [string, string][];
  grid: { head: string[]; rows: string[][] };
  quality: [string, string][];
  context: [string, string][];
  mimicsNote: string | null;
  model: [string, string][];
  signature: string;
  comment: string;
  images: ReportImage[];
}

const yn = (v: boolean) => (v ? 'yes' : 'no');
const dateTime = (iso: string) =>
  iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');

function slicesText(slices: number[]): string {
  return slices.length ? slices.map((s) => s + 1).join(', ') : '–';
}

export function reportContent(r: Reading, images: ReportImage[] = []): ReportContent {
  const s = scoreSummary(r);
  const p = r.exam.patient;
  const header: [string, string][] = [
    ['Patient', [p.name, p.id && `ID ${p.id}`].filter(Boolean).join(', ') || '–'],
    ['Born / sex', [p.birthDate ?? '–', p.sex ?? '–'].join(' / ')],
    [
      'Study',
      [r.exam.studyDate, r.exam.studyDescription, r.exam.accessionNumber && `Acc. ${r.exam.accessionNumber}`]
        .filter(Boolean)
        .join(', ') || '–',
    ],
    ['Study UID', r.exam.studyInstanceUid],
    [
      'Series read',
      [
        r.exam.series.t1 && `T1: ${r.exam.series.t1.description ?? r.exam.series.t1.seriesInstanceUid}`,
        r.exam.series.stir &&
          `STIR: ${r.exam.series.stir.description ?? r.exam.series.stir.seriesInstanceUid}`,
      ]
        .filter(Boolean)
        .join('; ') || '–',
    ],
    [
      'Reading',
      `${r.readingId}, version ${r.version}${r.amendsVersion ? ` (amends version ${r.amendsVersion}: ${r.amendmentReason})` : ''}`,
    ],
    [
      'Mode',
      r.blinded
        ? 'blinded (reader answered before seeing the model)'
        : r.model
          ? 'assisted (model shown)'
          : 'unassisted (no model output)',
    ],
  ];
  const withModel = r.model !== null;
  const judgementHead = [
    'Judgement',
    'Reader',
    'Confidence',
    ...(withModel ? ['Model suggestion', 'Verdict'] : []),
    ...(r.blinded ? ['Before model'] : []),
  ];
  const judgementRows = JUDGEMENT_KEYS.map((key) => {
    const j = r.judgements[key];
    const row = [
      JUDGEMENT_LABELS[key],
      j.answer ?? '–',
      j.confidence === null ? '–' : CONFIDENCE_LABELS[j.confidence],
    ];
    if (withModel) {
      const sug = suggestionFor(r.model, key);
      row.push(
        sug
          ? `${sug.answer} (p = ${sug.probability.toFixed(2)}, threshold ${sug.threshold.toFixed(2)})`
          : 'not a model task',
      );
      const v = j.verdict;
      row.push(
        !sug
          ? '–'
          : v === null
            ? 'pending'
            : v.kind === 'accept'
              ? 'accepted'
              : `overridden: ${REASON_LABELS[v.reasonCode]}${v.reasonText.trim() ? ` – ${v.reasonText.trim()}` : ''}`,
      );
    }
    if (r.blinded)
      row.push(j.unassisted ? `${j.unassisted.answer} (confidence ${j.unassisted.confidence})` : '–');
    return row;
  });
  const scores: [string, string][] = [
    [
      'SPARCC SIJ inflammation',
      s.sparcc
        ? `${s.sparcc.score} / 72 (slices ${slicesText(s.sparcc.slices)})`
        : 'not scored (no 6-slice window chosen)',
    ],
    [
      'SPARCC SIJ structural (SSS)',
      s.sss
        ? `${s.sss.score} / 120 (fat ${s.sss.fat}, erosion ${s.sss.erosion}, backfill ${s.sss.backfill}, ankylosis ${s.sss.ankylosis}; slices ${slicesText(s.sss.slices)})`
        : 'not scored (no transitional slice chosen)',
    ],
    ['Berlin BME', `${s.berlin} / 24`],
    ['ASAS positive MRI rule', yn(s.asasPositive)],
    ['Definite active lesion rule', yn(s.definiteActiveLesion)],
    [
      'Definite structural lesion rule',
      s.definiteStructuralLesion
        ? `yes (${s.definiteStructuralCriteria.join(', ').replaceAll('_', ' ')})`
        : 'no',
    ],
  ];
  const gridHead = [
    'Lesion',
    ...JOINTS.flatMap((j) => QUADRANTS.map((q) => `${j === 'left' ? 'L' : 'R'} ${QUADRANT_LABELS[q]}`)),
  ];
  const gridRows = LESION_TYPES.flatMap((lesion) => {
    const cells = JOINTS.flatMap((joint) =>
      QUADRANTS.map((quadrant) =>
        slicesText(
          r.grid
            .filter((c) => c.joint === joint && c.quadrant === quadrant && c.lesions.includes(lesion))
            .map((c) => c.slice)
            .sort((a, b) => a - b),
        ),
      ),
    );
    return cells.every((c) => c === '–') ? [] : [[LESION_LABELS[lesion], ...cells]];
  });
  const q = r.quality;
  const quality: [string, string][] = [
    [
      'Sequences',
      [q.sequences.t1 && 'T1', q.sequences.stir && 'STIR', q.sequences.t1FatSatContrast && 'T1 FS + contrast']
        .filter(Boolean)
        .join(', ') || '–',
    ],
    ['Orientation', q.orientation ?? 'not recorded'],
    [
      'Artifacts',
      [
        q.fatSuppressionFailure && 'fat-suppression failure',
        q.motion && 'motion',
        q.fieldInhomogeneity && 'field inhomogeneity',
        q.otherArtifact,
      ]
        .filter(Boolean)
        .join(', ') || 'none recorded',
    ],
  ];
  const c = r.context;
  const context: [string, string][] = [
    ['Age / sex', `${c.age ?? '–'} / ${c.sex ?? '–'}`],
    ['HLA-B27', c.hlaB27 ?? '–'],
    ['CRP', c.crpMgPerL === null ? '–' : `${c.crpMgPerL} mg/L`],
    ['Recent delivery', c.recentDeliveryDate ?? '–'],
    ['Heavy physical training', c.heavyPhysicalTraining === null ? '–' : yn(c.heavyPhysicalTraining)],
  ];
  const mimicNotes = [
    c.recentDeliveryDate && MIMICS.find((m) => m.key === 'postpartum')!.label,
    c.heavyPhysicalTraining && MIMICS.find((m) => m.key === 'athlete')!.label,
  ].filter(Boolean);
  const m = r.model;
  const model: [string, string][] = m
    ? [
        ['Model', `${m.modelName} (${m.modelId} ${m.modelVersion})`],
        ['Network sha256', m.sha256],
        ['Run at', dateTime(m.runAt)],
        ['Intended use', m.clinicalUse ? 'clinical' : 'NOT FOR CLINICAL USE'],
      ]
    : [['Model', 'no model output in this reading']];
  return {
    title: 'MRI of the sacroiliac joints – structured ASAS reading',
    draft: r.status !== 'signed',
    modelWarning:
      m && !m.clinicalUse
        ? `Model output from a model that is NOT FOR CLINICAL USE. ${m.disclaimer ?? ''}`.trim()
        : null,
    header,
    judgements: { head: judgementHead, rows: judgementRows },
    scores,
    grid: { head: gridHead, rows: gridRows },
    quality,
    context,
    mimicsNote: mimicNotes.length ? `Consider: ${mimicNotes.join('; ')}.` : null,
    model,
    signature:
      r.status === 'signed' && r.signer && r.signedAt
        ? `Electronically signed by ${r.signer.name}${r.signer.qualification ? `, ${r.signer.qualification}` : ''} on ${dateTime(r.signedAt)}.`
        : `DRAFT – not signed (last saved ${dateTime(r.updatedAt)} by ${r.author.name}).`,
    comment: r.comment,
    images,
  };
}
