import { createHash } from 'node:crypto';
import dcmjs from 'dcmjs';
import { LESION_TYPES, QUADRANTS, JOINTS, type LesionType } from '../grid';
import { JUDGEMENT_KEYS, MODEL_TASK_KEYS, suggestionFor, type Reading } from '../schema';
import { deidentifiedUid } from './deidentify';
import { exportReadingJson } from './jsonExport';
import { scoreSummary } from './scoreSummary';
import { CODES, JUDGEMENT_CODES, LESION_CODE_VALUES, REASON_CODES, sij, type Code } from './srCodes';
import { LESION_LABELS, QUADRANT_LABELS } from '../labels';

const COMPREHENSIVE_SR = '1.2.840.10008.5.1.4.1.1.88.33';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** 2.25 UID of this implementation, derived from its name. */
const IMPLEMENTATION_UID = uidFrom('SIJ Reader implementation');

export interface SourceInstance {
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
}

export interface SrOptions {
  /** every image instance of the read series: the SR's evidence references them */
  sourceInstances: readonly SourceInstance[];
  exportedAt: string;
  softwareVersion: string;
  /** when given, the SR carries the pseudonymised reading and maps every UID with this salt */
  deidentifySalt?: string;
}

function uidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest();
  return `2.25.${BigInt('0x' + h.subarray(0, 16).toString('hex')).toString()}`;
}

/** SR UIDs are derived from the reading, so version n+1 can reference version n's SR. */
export function srUids(readingId: string, version: number) {
  return { series: uidFrom(`sr-series:${readingId}`), instance: uidFrom(`sr:${readingId}:${version}`) };
}

function dicomDate(iso: string): string {
  return iso.slice(0, 10).replaceAll('-', '');
}
function dicomTime(iso: string): string {
  return iso.slice(11, 19).replaceAll(':', '');
}
function dicomDateTime(iso: string): string {
  return `${dicomDate(iso)}${dicomTime(iso)}+0000`;
}

type Item = Record<string, unknown>;

const code = (rel: string, concept: Code, value: Code, children?: Item[]): Item => ({
  RelationshipType: rel,
  ValueType: 'CODE',
  ConceptNameCodeSequence: [concept],
  ConceptCodeSequence: [value],
  ...(children?.length ? { ContentSequence: children } : {}),
});
const text = (rel: string, concept: Code, value: string): Item => ({
  RelationshipType: rel,
  ValueType: 'TEXT',
  ConceptNameCodeSequence: [concept],
  TextValue: value,
});
const num = (rel: string, concept: Code, value: number, unit: Code, children?: Item[]): Item => ({
  RelationshipType: rel,
  ValueType: 'NUM',
  ConceptNameCodeSequence: [concept],
  MeasuredValueSequence: [{ NumericValue: value, MeasurementUnitsCodeSequence: [unit] }],
  ...(children?.length ? { ContentSequence: children } : {}),
});
const container = (rel: string, concept: Code, children: Item[]): Item => ({
  RelationshipType: rel,
  ValueType: 'CONTAINER',
  ConceptNameCodeSequence: [concept],
  ContinuityOfContent: 'SEPARATE',
  ContentSequence: children,
});
const yesNo = (b: boolean) => (b ? CODES.yes : CODES.no);

/** Person names in DICOM PN: "Dr. Ada Reader" -> "Reader^Ada^^Dr." when it splits cleanly. */
function personName(name: string): string {
  const parts = name.trim().split(/\s+/);
  const prefix = /^(dr|prof)\.?$/i.test(parts[0] ?? '') ? parts.shift()! : '';
  if (parts.length < 2) return name.slice(0, 64);
  const family = parts.pop()!;
  return [family, parts.join(' '), '', prefix].join('^').replace(/\^+$/, '').slice(0, 64);
}

function judgementItems(r: Reading): Item[] {
  return JUDGEMENT_KEYS.flatMap((key) => {
    const j = r.judgements[key];
    if (j.answer === null) return [];
    const children: Item[] = [];
    if (j.confidence !== null)
      children.push(num('HAS PROPERTIES', CODES.confidence, j.confidence, CODES.scoreUnit));
    if (j.unassisted)
      children.push(code('HAS PROPERTIES', CODES.unassisted, yesNo(j.unassisted.answer === 'yes')));
    const s = key === 'overall_axspa' ? null : suggestionFor(r.model, key);
    if (s) children.push(code('HAS PROPERTIES', CODES.suggestion, yesNo(s.answer === 'yes')));
    if (j.verdict?.kind === 'accept') children.push(code('HAS PROPERTIES', CODES.verdict, CODES.accepted));
    if (j.verdict?.kind === 'override') {
      children.push(code('HAS PROPERTIES', CODES.verdict, CODES.overridden));
      children.push(code('HAS PROPERTIES', CODES.overrideReason, REASON_CODES[j.verdict.reasonCode]));
      if (j.verdict.reasonText.trim())
        children.push(text('HAS PROPERTIES', CODES.overrideReasonText, j.verdict.reasonText));
    }
    return [code('CONTAINS', JUDGEMENT_CODES[key], yesNo(j.answer === 'yes'), children)];
  });
}

function scoreItems(r: Reading): Item[] {
  const s = scoreSummary(r);
  const out: Item[] = [];
  if (s.sparcc)
    out.push(
      num('CONTAINS', sij('sparcc-sij', 'SPARCC SIJ inflammation score'), s.sparcc.score, CODES.scoreUnit),
    );
  if (s.sss) {
    out.push(num('CONTAINS', sij('sss', 'SPARCC SIJ structural score'), s.sss.score, CODES.scoreUnit));
    out.push(num('CONTAINS', sij('sss-fat', 'SSS fat metaplasia'), s.sss.fat, CODES.scoreUnit));
    out.push(num('CONTAINS', sij('sss-erosion', 'SSS erosion'), s.sss.erosion, CODES.scoreUnit));
    out.push(num('CONTAINS', sij('sss-backfill', 'SSS backfill'), s.sss.backfill, CODES.scoreUnit));
    out.push(num('CONTAINS', sij('sss-ankylosis', 'SSS ankylosis'), s.sss.ankylosis, CODES.scoreUnit));
  }
  out.push(num('CONTAINS', sij('berlin', 'Berlin BME score'), s.berlin, CODES.scoreUnit));
  out.push(code('CONTAINS', sij('RULE-ASAS', 'ASAS positive MRI rule met'), yesNo(s.asasPositive)));
  out.push(
    code(
      'CONTAINS',
      sij('RULE-DEF-ACTIVE', 'Definite active lesion rule met'),
      yesNo(s.definiteActiveLesion),
    ),
  );
  out.push(
    code(
      'CONTAINS',
      sij('RULE-DEF-STRUCT', 'Definite structural lesion rule met'),
      yesNo(s.definiteStructuralLesion),
    ),
  );
  return out;
}

/** One TEXT item per lesion type present: "left upper ilium: slices 3, 4; ..." (slice = series index + 1). */
function gridItems(r: Reading): Item[] {
  return LESION_TYPES.flatMap((lesion: LesionType) => {
    const parts: string[] = [];
    for (const joint of JOINTS)
      for (const quadrant of QUADRANTS) {
        const slices = r.grid
          .filter((c) => c.joint === joint && c.quadrant === quadrant && c.lesions.includes(lesion))
          .map((c) => c.slice + 1)
          .sort((a, b) => a - b);
        if (slices.length)
          parts.push(
            `${joint} ${QUADRANT_LABELS[quadrant]}: slice${slices.length > 1 ? 's' : ''} ${slices.join(', ')}`,
          );
      }
    return parts.length
      ? [text('CONTAINS', sij(LESION_CODE_VALUES[lesion], LESION_LABELS[lesion]), parts.join('; '))]
      : [];
  });
}

function modelItems(r: Reading): Item[] {
  const m = r.model;
  if (!m) return [];
  const children: Item[] = [
    code('HAS OBS CONTEXT', CODES.observerType, CODES.device),
    {
      RelationshipType: 'HAS OBS CONTEXT',
      ValueType: 'UIDREF',
      ConceptNameCodeSequence: [CODES.deviceObserverUid],
      UID: uidFrom(`model:${m.modelId}:${m.modelVersion}:${m.sha256}`),
    },
    text('HAS OBS CONTEXT', CODES.deviceObserverName, m.modelName.slice(0, 1024) || m.modelId),
    text('HAS OBS CONTEXT', CODES.deviceObserverManufacturer, 'SIJ Reader project'),
    text(
      'HAS OBS CONTEXT',
      CODES.deviceObserverModelName,
      `${m.modelId} ${m.modelVersion} sha256:${m.sha256}`,
    ),
  ];
  for (const key of MODEL_TASK_KEYS) {
    const t = m.tasks.find((x) => x.key === key);
    if (!t) continue;
    children.push(
      num('CONTAINS', JUDGEMENT_CODES[key], t.probability, CODES.probabilityUnit, [
        num('HAS PROPERTIES', CODES.threshold, t.threshold, CODES.probabilityUnit),
        code('HAS PROPERTIES', CODES.suggestion, yesNo(t.probability >= t.threshold)),
      ]),
    );
  }
  if (m.disclaimer) children.push(text('CONTAINS', CODES.disclaimer, m.disclaimer));
  if (!m.clinicalUse) children.push(code('CONTAINS', CODES.notForClinicalUse, CODES.yes));
  return [container('CONTAINS', CODES.modelOutput, children)];
}

/** A Comprehensive SR of a reading: the reader as person observer, the model as device observer. */
export function buildReadingSr(reading: Reading, opts: SrOptions): Buffer {
  const salt = opts.deidentifySalt;
  const mapUid = (u: string) => (salt === undefined ? u : deidentifiedUid(u, salt));
  const r = reading;
  const uids = srUids(r.readingId, r.version);
  const signed = r.status === 'signed';
  const observer = r.signer ?? r.author;
  const contentAt = r.signedAt ?? opts.exportedAt;
  const bySeries = new Map<string, SourceInstance[]>();
  for (const i of opts.sourceInstances)
    bySeries.set(i.seriesInstanceUid, [...(bySeries.get(i.seriesInstanceUid) ?? []), i]);
  if (bySeries.size === 0)
    throw new Error(`reading ${r.readingId}: the SR needs the source image instances to reference`);
  const studyUid = r.exam.studyInstanceUid; // already pseudonymised by the caller when de-identifying
  const dataset: Item = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: COMPREHENSIVE_SR,
    SOPInstanceUID: uids.instance,
    InstanceCreationDate: dicomDate(opts.exportedAt),
    InstanceCreationTime: dicomTime(opts.exportedAt),
    StudyInstanceUID: studyUid,
    SeriesInstanceUID: uids.series,
    Modality: 'SR',
    SeriesNumber: 901,
    SeriesDescription: 'SIJ Reader structured reading',
    InstanceNumber: r.version,
    PatientName: r.exam.patient.name ?? '',
    PatientID: r.exam.patient.id ?? '',
    PatientBirthDate: r.exam.patient.birthDate ?? '',
    PatientSex: ['M', 'F', 'O'].includes(r.exam.patient.sex ?? '') ? r.exam.patient.sex : '',
    StudyDate: r.exam.studyDate ?? '',
    StudyTime: '',
    ReferringPhysicianName: '',
    StudyID: '',
    AccessionNumber: r.exam.accessionNumber ?? '',
    Manufacturer: 'SIJ Reader project',
    SoftwareVersions: opts.softwareVersion,
    ContentDate: dicomDate(contentAt),
    ContentTime: dicomTime(contentAt),
    CompletionFlag: signed ? 'COMPLETE' : 'PARTIAL',
    VerificationFlag: signed ? 'VERIFIED' : 'UNVERIFIED',
    ...(signed && r.signer && r.signedAt
      ? {
          VerifyingObserverSequence: [
            {
              VerifyingObserverName: personName(r.signer.name),
              VerifyingObserverIdentificationCodeSequence: [],
              VerifyingOrganization: r.exam.institution ?? 'Unknown',
              VerificationDateTime: dicomDateTime(r.signedAt),
            },
          ],
        }
      : {}),
    ...(r.amendsVersion !== null
      ? {
          PredecessorDocumentsSequence: [
            {
              StudyInstanceUID: studyUid,
              ReferencedSeriesSequence: [
                {
                  SeriesInstanceUID: uids.series,
                  ReferencedSOPSequence: [
                    {
                      ReferencedSOPClassUID: COMPREHENSIVE_SR,
                      ReferencedSOPInstanceUID: srUids(r.readingId, r.amendsVersion).instance,
                    },
                  ],
                },
              ],
            },
          ],
        }
      : {}),
    PerformedProcedureCodeSequence: [],
    ReferencedPerformedProcedureStepSequence: [],
    CurrentRequestedProcedureEvidenceSequence: [
      {
        StudyInstanceUID: studyUid,
        ReferencedSeriesSequence: [...bySeries.entries()].map(([series, instances]) => ({
          SeriesInstanceUID: mapUid(series),
          ReferencedSOPSequence: instances.map((i) => ({
            ReferencedSOPClassUID: i.sopClassUid,
            ReferencedSOPInstanceUID: mapUid(i.sopInstanceUid),
          })),
        })),
      },
    ],
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [CODES.imagingMeasurementReport],
    ContinuityOfContent: 'SEPARATE',
    ContentSequence: [
      code('HAS CONCEPT MOD', CODES.language, CODES.english),
      code('HAS OBS CONTEXT', CODES.observerType, CODES.person),
      {
        RelationshipType: 'HAS OBS CONTEXT',
        ValueType: 'PNAME',
        ConceptNameCodeSequence: [CODES.personObserverName],
        PersonName: personName(observer.name),
      },
      code('HAS CONCEPT MOD', CODES.procedureReported, CODES.mriSij),
      container('CONTAINS', CODES.readerAssessment, judgementItems(r)),
      container('CONTAINS', CODES.scores, scoreItems(r)),
      container('CONTAINS', CODES.lesionGrid, gridItems(r)),
      ...modelItems(r),
      // The coded items above are what PACS and other SR readers understand; they cannot hold the
      // whole reading (grid flags, joint heights, windows, context), so the SR also carries the JSON
      // export itself: another SIJ Reader imports it losslessly and checks it against the codes.
      text(
        'CONTAINS',
        CODES.readingDocument,
        JSON.stringify(
          exportReadingJson(r, {
            exportedAt: opts.exportedAt,
            softwareVersion: opts.softwareVersion,
            deidentified: salt !== undefined,
          }),
        ),
      ),
    ].filter((i) => !(i.ValueType === 'CONTAINER' && (i.ContentSequence as Item[]).length === 0)),
  };
  const { DicomMetaDictionary, DicomDict } = dcmjs.data;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: COMPREHENSIVE_SR,
    MediaStorageSOPInstanceUID: uids.instance,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: IMPLEMENTATION_UID,
    ImplementationVersionName: 'SIJREADER',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return Buffer.from(dict.write());
}
