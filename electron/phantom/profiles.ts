/**
 * Scanner profiles: how one vendor's scanner at one field strength names, times and scales a
 * semicoronal T1 TSE and a STIR. Ranges are sampled per exam. Naming follows each vendor's usual
 * style (Siemens "tirm", GE "FSE"/"_GEMS" options, Philips "TSE"/"STIR" descriptions).
 */

export type Range = readonly [number, number];

export interface SeriesProtocol {
  seriesDescription: string;
  protocolName: string;
  sequenceName: string;
  scanningSequence: string;
  sequenceVariant: string;
  scanOptions: string;
  /** ms */
  tr: Range;
  te: Range;
  ti?: Range;
  echoTrainLength: Range;
  matrices: readonly number[];
  /** typical signal-to-noise ratio of marrow (T1) or muscle (STIR) before bias */
  snr: Range;
  /** real-world value (after rescale) of a unit signal, i.e. the vendor's intensity scale */
  intensityScale: Range;
}

export interface PixelEncoding {
  signed: boolean;
  bitsStored: number;
  /** RescaleSlope range; undefined = the vendor writes no rescale (values are stored as is) */
  rescaleSlope?: Range;
  rescaleIntercept?: number;
}

export interface ScannerProfile {
  name: string;
  manufacturer: string;
  model: string;
  softwareVersions: string;
  fieldStrengthT: number;
  imagingFrequencyMHz: number;
  pixel: PixelEncoding;
  t1: SeriesProtocol;
  stir: SeriesProtocol;
  geometry: {
    fovMm: Range;
    slices: Range;
    thicknessMm: Range;
    /** gap between slices as a fraction of the thickness */
    gapFraction: Range;
    /** semicoronal tilt from the coronal plane, degrees */
    tiltDeg: Range;
  };
  artifacts: {
    biasStrength: Range;
    fatSatFailure: number;
    ghosting: number;
    wrap: number;
  };
}

const siemensT1 = (tr: Range, te: Range, matrices: number[], snr: Range): SeriesProtocol => ({
  seriesDescription: 't1_tse_cor_obl',
  protocolName: 't1_tse_cor_obl',
  sequenceName: '*tse2d1_3',
  scanningSequence: 'SE',
  sequenceVariant: 'SK\\SP\\OSP',
  scanOptions: 'PFP',
  tr,
  te,
  echoTrainLength: [3, 5],
  matrices,
  snr,
  intensityScale: [1500, 2600],
});

const siemensStir = (tr: Range, te: Range, ti: Range, matrices: number[], snr: Range): SeriesProtocol => ({
  seriesDescription: 't2_tirm_cor_obl',
  protocolName: 't2_tirm_cor_obl',
  sequenceName: '*tir2d1_13',
  scanningSequence: 'SE\\IR',
  sequenceVariant: 'SK\\SP\\MP\\OSP',
  scanOptions: 'IR',
  tr,
  te,
  ti,
  echoTrainLength: [11, 17],
  matrices,
  snr,
  intensityScale: [900, 1800],
});

export const PROFILES: readonly ScannerProfile[] = [
  {
    name: 'siemens-aera-1.5t',
    manufacturer: 'SIEMENS',
    model: 'Aera',
    softwareVersions: 'syngo MR E11',
    fieldStrengthT: 1.5,
    imagingFrequencyMHz: 63.67,
    pixel: { signed: false, bitsStored: 12 },
    t1: siemensT1([550, 700], [10, 13], [320, 384, 448], [18, 30]),
    stir: siemensStir([4000, 6500], [35, 60], [150, 170], [256, 320], [10, 18]),
    geometry: {
      fovMm: [260, 300],
      slices: [16, 22],
      thicknessMm: [3, 4],
      gapFraction: [0, 0.2],
      tiltDeg: [15, 30],
    },
    artifacts: { biasStrength: [0.1, 0.3], fatSatFailure: 0.08, ghosting: 0.1, wrap: 0.05 },
  },
  {
    name: 'siemens-skyra-3t',
    manufacturer: 'SIEMENS',
    model: 'Skyra',
    softwareVersions: 'syngo MR E11',
    fieldStrengthT: 3,
    imagingFrequencyMHz: 123.25,
    pixel: { signed: false, bitsStored: 12 },
    t1: siemensT1([600, 800], [9, 12], [384, 448, 512], [25, 40]),
    stir: siemensStir([5000, 7760], [40, 70], [210, 230], [320, 384], [14, 24]),
    geometry: {
      fovMm: [240, 280],
      slices: [18, 26],
      thicknessMm: [3, 3.5],
      gapFraction: [0, 0.1],
      tiltDeg: [15, 30],
    },
    artifacts: { biasStrength: [0.2, 0.45], fatSatFailure: 0.12, ghosting: 0.08, wrap: 0.04 },
  },
  {
    name: 'ge-signa-hdxt-1.5t',
    manufacturer: 'GE MEDICAL SYSTEMS',
    model: 'Signa HDxt',
    softwareVersions: '23\\LX\\MR Software release:HD23.0_V01_1210.a',
    fieldStrengthT: 1.5,
    imagingFrequencyMHz: 63.86,
    pixel: { signed: true, bitsStored: 16 },
    t1: {
      seriesDescription: 'OBL COR T1 FSE',
      protocolName: 'SIJ OBL',
      sequenceName: 'fse-xl',
      scanningSequence: 'SE',
      sequenceVariant: 'SK\\OSP',
      scanOptions: 'FAST_GEMS\\NPW',
      tr: [480, 650],
      te: [9, 14],
      echoTrainLength: [3, 4],
      matrices: [256, 320, 384],
      snr: [14, 24],
      intensityScale: [700, 1400],
    },
    stir: {
      seriesDescription: 'OBL COR STIR',
      protocolName: 'SIJ OBL',
      sequenceName: 'fse-xl',
      scanningSequence: 'SE\\IR',
      sequenceVariant: 'SK\\OSP',
      scanOptions: 'IR_GEMS\\FAST_GEMS\\NPW',
      tr: [3500, 5500],
      te: [40, 60],
      ti: [145, 165],
      echoTrainLength: [8, 12],
      matrices: [256, 288],
      snr: [8, 15],
      intensityScale: [500, 1000],
    },
    geometry: {
      fovMm: [260, 300],
      slices: [12, 18],
      thicknessMm: [4, 5],
      gapFraction: [0.1, 0.3],
      tiltDeg: [10, 30],
    },
    artifacts: { biasStrength: [0.1, 0.3], fatSatFailure: 0.1, ghosting: 0.15, wrap: 0.06 },
  },
  {
    name: 'ge-discovery-750-3t',
    manufacturer: 'GE MEDICAL SYSTEMS',
    model: 'DISCOVERY MR750',
    softwareVersions: '25\\LX\\MR Software release:DV25.0_R02_1549.b',
    fieldStrengthT: 3,
    imagingFrequencyMHz: 127.74,
    pixel: { signed: true, bitsStored: 16 },
    t1: {
      seriesDescription: 'Obl Cor T1 FSE SIJ',
      protocolName: 'SACROILIAC JOINTS',
      sequenceName: 'fse-xl',
      scanningSequence: 'SE',
      sequenceVariant: 'SK\\OSP',
      scanOptions: 'FAST_GEMS\\NPW\\TRF_GEMS',
      tr: [550, 750],
      te: [8, 12],
      echoTrainLength: [3, 5],
      matrices: [320, 384, 416],
      snr: [22, 34],
      intensityScale: [900, 1800],
    },
    stir: {
      seriesDescription: 'Obl Cor STIR SIJ',
      protocolName: 'SACROILIAC JOINTS',
      sequenceName: 'fse-xl',
      scanningSequence: 'SE\\IR',
      sequenceVariant: 'SK\\OSP',
      scanOptions: 'IR_GEMS\\FAST_GEMS\\NPW',
      tr: [4500, 7000],
      te: [40, 55],
      ti: [200, 225],
      echoTrainLength: [10, 14],
      matrices: [288, 320],
      snr: [12, 20],
      intensityScale: [600, 1300],
    },
    geometry: {
      fovMm: [240, 280],
      slices: [14, 22],
      thicknessMm: [3.5, 4],
      gapFraction: [0, 0.2],
      tiltDeg: [15, 30],
    },
    artifacts: { biasStrength: [0.2, 0.45], fatSatFailure: 0.15, ghosting: 0.1, wrap: 0.05 },
  },
  {
    name: 'philips-ingenia-3t',
    manufacturer: 'Philips',
    model: 'Ingenia',
    softwareVersions: '5.6.1\\5.6.1.1',
    fieldStrengthT: 3,
    imagingFrequencyMHz: 127.77,
    pixel: { signed: false, bitsStored: 12, rescaleSlope: [1.1, 2.6], rescaleIntercept: 0 },
    t1: {
      seriesDescription: 'T1W_TSE_COR_OBL',
      protocolName: 'WIP T1W_TSE_COR SENSE',
      sequenceName: 'TSE',
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
      scanOptions: 'PFP',
      tr: [500, 700],
      te: [8, 12],
      echoTrainLength: [4, 6],
      matrices: [336, 400, 432],
      snr: [22, 36],
      intensityScale: [2000, 4200],
    },
    stir: {
      seriesDescription: 'STIR_COR_OBL',
      protocolName: 'STIR_COR SENSE',
      sequenceName: 'TIR',
      scanningSequence: 'IR\\SE',
      sequenceVariant: 'SK\\MP',
      scanOptions: 'IR\\PFP',
      tr: [4000, 6000],
      te: [50, 70],
      ti: [200, 230],
      echoTrainLength: [12, 18],
      matrices: [304, 336],
      snr: [12, 22],
      intensityScale: [1200, 2600],
    },
    geometry: {
      fovMm: [250, 290],
      slices: [16, 24],
      thicknessMm: [3, 4],
      gapFraction: [0, 0.15],
      tiltDeg: [15, 35],
    },
    artifacts: { biasStrength: [0.2, 0.4], fatSatFailure: 0.1, ghosting: 0.08, wrap: 0.04 },
  },
  {
    name: 'philips-achieva-1.5t',
    manufacturer: 'Philips Medical Systems',
    model: 'Achieva',
    softwareVersions: '3.2.3\\3.2.3.1',
    fieldStrengthT: 1.5,
    imagingFrequencyMHz: 63.9,
    pixel: { signed: false, bitsStored: 12, rescaleSlope: [1.2, 3.2], rescaleIntercept: 0 },
    t1: {
      seriesDescription: 'T1 TSE cor SIG',
      protocolName: 'T1 TSE cor SIG',
      sequenceName: 'TSE',
      scanningSequence: 'SE',
      sequenceVariant: 'SK',
      scanOptions: 'PFP',
      tr: [450, 650],
      te: [10, 15],
      echoTrainLength: [3, 5],
      matrices: [256, 320, 384],
      snr: [15, 26],
      intensityScale: [1500, 3000],
    },
    stir: {
      seriesDescription: 'STIR cor SIG',
      protocolName: 'STIR cor SIG',
      sequenceName: 'TIR',
      scanningSequence: 'IR\\SE',
      sequenceVariant: 'SK\\MP',
      scanOptions: 'IR',
      tr: [3000, 5000],
      te: [50, 70],
      ti: [150, 170],
      echoTrainLength: [10, 15],
      matrices: [256, 288],
      snr: [9, 16],
      intensityScale: [800, 1800],
    },
    geometry: {
      fovMm: [260, 300],
      slices: [12, 18],
      thicknessMm: [4, 5],
      gapFraction: [0.1, 0.25],
      tiltDeg: [10, 30],
    },
    artifacts: { biasStrength: [0.1, 0.3], fatSatFailure: 0.12, ghosting: 0.12, wrap: 0.06 },
  },
  {
    name: 'canon-vantage-titan-1.5t',
    manufacturer: 'TOSHIBA',
    model: 'Vantage Titan',
    softwareVersions: 'V4.50*R154',
    fieldStrengthT: 1.5,
    imagingFrequencyMHz: 63.86,
    pixel: { signed: false, bitsStored: 16 },
    t1: {
      seriesDescription: 'T1WI FSE COR OBL',
      protocolName: 'SIJ_T1_COR',
      sequenceName: 'FSE2D',
      scanningSequence: 'SE',
      sequenceVariant: 'SK\\OSP',
      scanOptions: 'PFP',
      tr: [500, 700],
      te: [10, 15],
      echoTrainLength: [3, 5],
      matrices: [288, 320, 352],
      snr: [12, 22],
      intensityScale: [250, 600],
    },
    stir: {
      seriesDescription: 'STIR COR OBL',
      protocolName: 'SIJ_STIR_COR',
      sequenceName: 'FSE2D',
      scanningSequence: 'SE\\IR',
      sequenceVariant: 'SK\\MP\\OSP',
      scanOptions: 'IR',
      tr: [4000, 6000],
      te: [60, 90],
      ti: [150, 170],
      echoTrainLength: [12, 20],
      matrices: [256, 288],
      snr: [7, 13],
      intensityScale: [150, 400],
    },
    geometry: {
      fovMm: [270, 320],
      slices: [12, 16],
      thicknessMm: [4, 5],
      gapFraction: [0.1, 0.3],
      tiltDeg: [5, 25],
    },
    artifacts: { biasStrength: [0.15, 0.4], fatSatFailure: 0.2, ghosting: 0.15, wrap: 0.08 },
  },
];

export function profileByName(name: string): ScannerProfile | undefined {
  return PROFILES.find((p) => p.name === name);
}
