/**
 * Coded concepts of the reading SR. DICOM (DCM) and SNOMED CT (SCT) codes where the standard has
 * one; the reading's own items use the private scheme 99SIJR (private schemes start with "99").
 */
export interface Code {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

const dcm = (v: string, m: string): Code => ({ CodeValue: v, CodingSchemeDesignator: 'DCM', CodeMeaning: m });
const sct = (v: string, m: string): Code => ({ CodeValue: v, CodingSchemeDesignator: 'SCT', CodeMeaning: m });
export const sij = (v: string, m: string): Code => {
  // Code Value is SH: at most 16 characters
  if (v.length > 16) throw new Error(`code value ${v} is longer than 16 characters`);
  return { CodeValue: v, CodingSchemeDesignator: '99SIJR', CodeMeaning: m };
};

/** Lesion types as code values (the grid keys are too long for SH). */
export const LESION_CODE_VALUES = {
  bme: 'BME',
  capsulitis: 'CAPSULITIS',
  joint_space_enhancement: 'JS-ENHANCEMENT',
  joint_space_fluid: 'JS-FLUID',
  enthesitis: 'ENTHESITIS',
  inflammation_in_erosion: 'EROSION-INFL',
  erosion: 'EROSION',
  sclerosis: 'SCLEROSIS',
  fat_lesion: 'FAT-LESION',
  backfill: 'BACKFILL',
  ankylosis: 'ANKYLOSIS',
  bone_bud: 'BONE-BUD',
} as const;

export const CODES = {
  imagingMeasurementReport: dcm('126000', 'Imaging Measurement Report'),
  language: dcm('121049', 'Language of Content Item and Descendants'),
  english: { CodeValue: 'en-US', CodingSchemeDesignator: 'RFC5646', CodeMeaning: 'English (United States)' },
  observerType: dcm('121005', 'Observer Type'),
  person: dcm('121006', 'Person'),
  device: dcm('121007', 'Device'),
  personObserverName: dcm('121008', 'Person Observer Name'),
  deviceObserverUid: dcm('121012', 'Device Observer UID'),
  deviceObserverName: dcm('121013', 'Device Observer Name'),
  deviceObserverManufacturer: dcm('121014', 'Device Observer Manufacturer'),
  deviceObserverModelName: dcm('121015', 'Device Observer Model Name'),
  procedureReported: dcm('121058', 'Procedure reported'),
  mriSij: sij('MR-SIJ', 'MRI of sacroiliac joints'),
  yes: sct('373066001', 'Yes'),
  no: sct('373067005', 'No'),
  probability: sij('probability', 'Model probability'),
  threshold: sij('threshold', 'Model decision threshold'),
  suggestion: sij('suggestion', 'Model suggestion'),
  confidence: sij('confidence', 'Reader confidence (0-4)'),
  unassisted: sij('unassisted', 'Reader answer before model output was shown'),
  verdict: sij('verdict', 'Reader verdict on model suggestion'),
  accepted: sij('accepted', 'Accepted'),
  overridden: sij('overridden', 'Overridden'),
  overrideReason: sij('OVERRIDE-REASON', 'Override reason'),
  overrideReasonText: sij('OVERRIDE-TEXT', 'Override reason text'),
  readerAssessment: sij('READER', 'Reader assessment'),
  modelOutput: sij('MODEL-OUTPUT', 'Model output'),
  scores: sij('scores', 'Scores computed from the lesion grid'),
  lesionGrid: sij('LESION-GRID', 'Lesion grid'),
  disclaimer: sij('disclaimer', 'Model disclaimer'),
  notForClinicalUse: sij('NOT-CLINICAL', 'Not for clinical use'),
  readingDocument: sij('READING-DOC', 'Reading document (sij-reading-export/1 JSON)'),
  scoreUnit: { CodeValue: '{score}', CodingSchemeDesignator: 'UCUM', CodeMeaning: 'score' },
  probabilityUnit: { CodeValue: '1', CodingSchemeDesignator: 'UCUM', CodeMeaning: 'no units' },
} satisfies Record<string, Code>;

export const JUDGEMENT_CODES = {
  active_inflammation: sij('ACTIVE-INFL', 'Active inflammatory changes indicative of axSpA'),
  asas_bme: sij('ASAS-POS-MRI', 'Positive MRI by the ASAS definition'),
  structural: sij('STRUCTURAL', 'Structural changes indicative of axSpA'),
  overall_axspa: sij('OVERALL-AXSPA', 'Overall compatible with axSpA'),
} as const;

export const REASON_CODES = {
  artifact: sij('artifact', 'Artifact'),
  mimic: sij('mimic', 'Mimic'),
  disagree_extent: sij('DISAGREE-EXTENT', 'Disagree with extent'),
  other: sij('other', 'Other'),
} as const;
