import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Anatomy } from './anatomy';
import { applyArtifacts, sampleArtifacts, type ArtifactParams } from './artifacts';
import { acquiredResolution, sampleSeries, sampleSlicePlan, type SeriesAcquisition } from './acquisition';
import { toStored, writeSeries, type StudyIdentity } from './dicomSeries';
import { parseFindingsSpec, placeFinding, sampleFindings, type FindingRequest } from './findings';
import { planSeries, seriesAffine, type SeriesGeometry, type SlicePlan } from './geometry';
import { writeCleanNifti, writeMaskNifti } from './seriesNifti';
import { buildGrid, type GridCell } from './grid';
import { applyLabelNoise, labelsFromGrid, type GlobalLabels } from './labels';
import { CODE_NAMES, type Lesion } from './lesions';
import { samplePatient, type PatientBody } from './patient';
import { PROFILES, profileByName, type ScannerProfile } from './profiles';
import { Rng, uidFromKey } from './random';
import { renderSeries, type RenderChannel, type RenderOutput } from './render';
import { CASE_KINDS, siteByName, SITES, type CaseKind, type Site } from './sites';
import { fatNullTi, signalTable, Tissue } from './tissues';

export const GENERATOR_VERSION = '2.2.0';
export const TRUTH_SCHEMA = 'sij-phantom-truth/1';

export type ErrorCase = 'missing_stir' | 'axial_only';

export interface ExamOptions {
  seed: number;
  site?: string;
  profile?: string;
  /** `--findings` spec (see parseFindingsSpec) */
  findings?: string;
  caseKind?: CaseKind;
  examId?: string;
  errorCase?: ErrorCase;
  /** override the site's label-noise rate (0 for exact rule labels) */
  labelNoise?: number;
  /** cap on the acquisition matrix (speed for training sets) */
  maxMatrix?: number;
}

export interface SeriesTruth {
  seriesInstanceUid: string;
  description: string;
  dims: [number, number, number];
  spacing: [number, number, number];
  thickness: number;
  affine: number[];
  orientation: 'semicoronal' | 'axial';
  acquisition: Omit<SeriesAcquisition, 'protocol'>;
  artifacts: ArtifactParams;
  /** mean of the clean signal per tissue (real-world units) for quality checks */
  tissueSignal: Record<string, number>;
  noiseSigma: number;
}

export interface PhantomTruth {
  schema: typeof TRUTH_SCHEMA;
  generatorVersion: string;
  seed: number;
  examId: string;
  site: string;
  profile: string;
  /** the patient kind drawn (its age/sex are used), or 'custom' for an explicit --findings list */
  caseKind: CaseKind | 'custom';
  errorCase: ErrorCase | null;
  labels: GlobalLabels;
  labelsByRule: GlobalLabels;
  labelNoiseRate: number;
  labelNoiseFlipped: string[];
  sliceOrder: string;
  grid: GridCell[];
  lesionCodes: Record<string, string>;
  lesions: Lesion[];
  mimics: string[];
  patient: PatientBody;
  slicePlan: SlicePlan;
  studyInstanceUid: string;
  series: { t1: string; stir: string | null };
  seriesDetails: { t1: SeriesTruth; stir: SeriesTruth | null };
  files: Record<string, string>;
}

export interface ExamResult {
  truth: PhantomTruth;
  /** in-memory volumes for previews and statistics (real-world units) */
  images: { t1: Float32Array; stir: Float32Array | null; t1Mask: Uint8Array; stirMask: Uint8Array | null };
  geometry: { t1: SeriesGeometry; stir: SeriesGeometry | null };
}

export class PhantomOptionError extends Error {}

function chooseProfile(rng: Rng, site: Site, name?: string): ScannerProfile {
  if (name) {
    const p = profileByName(name);
    if (!p)
      throw new PhantomOptionError(
        `unknown profile '${name}' (one of: ${PROFILES.map((x) => x.name).join(', ')})`,
      );
    return p;
  }
  const names = Object.keys(site.profiles);
  return profileByName(names[rng.weighted(names.map((n) => site.profiles[n]))]) as ScannerProfile;
}

function ageRangeFor(kind: CaseKind): [number, number] {
  if (kind === 'mimic_degenerative' || kind === 'mimic_oci') return [40, 72];
  if (kind === 'mimic_postpartum') return [24, 40];
  if (kind === 'mimic_athlete') return [19, 35];
  return [20, 55];
}

/** Generate one exam in memory and write it to `outDir` (T1/, STIR/, masks/, clean/, truth.json). */
export function generateExam(outDir: string, options: ExamOptions): ExamResult {
  const seed = options.seed;
  if (!Number.isInteger(seed)) throw new PhantomOptionError(`seed must be an integer, got ${seed}`);
  const site = siteByName(options.site ?? 'alpha');
  if (!site)
    throw new PhantomOptionError(
      `unknown site '${options.site}' (one of: ${SITES.map((s) => s.name).join(', ')})`,
    );
  const rng = new Rng(seed);
  const profile = chooseProfile(rng.fork('profile'), site, options.profile);
  const caseRng = rng.fork('case');
  let custom = false;
  let caseKind: CaseKind =
    options.caseKind ?? CASE_KINDS[caseRng.weighted(CASE_KINDS.map((k) => site.caseMix[k] ?? 0))];
  let requests: FindingRequest[];
  if (options.findings) {
    const parsed = parseFindingsSpec(options.findings, rng.fork('findings'));
    if (parsed.caseKind) caseKind = parsed.caseKind;
    custom = !parsed.caseKind;
    requests = parsed.findings;
  } else {
    requests = sampleFindings(rng.fork('findings'), caseKind);
  }
  const female =
    caseKind === 'mimic_postpartum' || caseKind === 'mimic_oci'
      ? true
      : rng.fork('sex').chance(site.femaleFraction);
  const patient = samplePatient(rng.fork('patient'), female, ageRangeFor(caseKind));
  const anatomy = new Anatomy(patient);
  const placeRng = rng.fork('place');
  const lesions = requests.map((f, n) => placeFinding(anatomy, placeRng, f, n + 1));
  const examId = options.examId ?? `${site.name}-${String(seed).padStart(6, '0')}`;

  const acqRng = rng.fork('acquisition');
  const t1Acq = sampleSeries(acqRng, profile, 't1', options.maxMatrix);
  const stirAcq = sampleSeries(acqRng, profile, 'stir', options.maxMatrix);
  const plan = sampleSlicePlan(acqRng, profile, 'semicoronal');
  const field = profile.fieldStrengthT;
  const t1Table = signalTable({ kind: 'se', tr: t1Acq.tr, te: t1Acq.te }, field);
  const stirTiming = {
    kind: 'stir' as const,
    tr: stirAcq.tr,
    te: stirAcq.te,
    ti: stirAcq.ti ?? fatNullTi(field),
  };
  const stirTable = signalTable(stirTiming, field);
  const stirFailTable = signalTable(stirTiming, field, 0.55);
  const artRng = rng.fork('artifacts');
  const bias = artRng.uniform(profile.artifacts.biasStrength[0], profile.artifacts.biasStrength[1]);
  const t1Art = sampleArtifacts(artRng, t1Acq.snr, bias, profile.artifacts, false);
  const stirArt = sampleArtifacts(artRng, stirAcq.snr, bias, profile.artifacts, true);

  // Truth always comes from the semicoronal render; error cases write other series.
  const t1Geom = planSeries(plan, t1Acq.matrix);
  const stirGeom = planSeries(plan, stirAcq.matrix);
  const t1Channel: RenderChannel = { table: t1Table, role: 'structural', wrap: !!t1Art.wrap };
  const stirChannel: RenderChannel = {
    table: stirTable,
    failureTable: stirArt.fatSatFailure ? stirFailTable : undefined,
    role: 'active',
    wrap: !!stirArt.wrap,
  };
  const renderPlan = (t1: SeriesGeometry, stir: SeriesGeometry): RenderOutput[] =>
    renderSeries(anatomy, lesions, [
      { geometry: t1, channel: t1Channel, resolution: acquiredResolution(t1Acq, plan.fovMm) },
      { geometry: stir, channel: stirChannel, resolution: acquiredResolution(stirAcq, plan.fovMm) },
    ]);
  const [t1Render, stirRender] = renderPlan(t1Geom, stirGeom);
  const grid = buildGrid(lesions, stirRender, t1Render, plan.slices);
  const labelsByRule = labelsFromGrid(grid);
  const noiseRate = options.labelNoise ?? site.labelNoise;
  const noisy = applyLabelNoise(labelsByRule, noiseRate, rng.fork('labelnoise'));

  let writtenT1 = { geom: t1Geom, render: t1Render };
  let writtenStir: { geom: SeriesGeometry; render: RenderOutput } | null = {
    geom: stirGeom,
    render: stirRender,
  };
  if (options.errorCase === 'axial_only') {
    const axial: SlicePlan = { ...plan, orientation: 'axial', tiltDeg: 0 };
    const g1 = planSeries(axial, t1Acq.matrix);
    const g2 = planSeries(axial, stirAcq.matrix);
    const [r1, r2] = renderPlan(g1, g2);
    writtenT1 = { geom: g1, render: r1 };
    writtenStir = { geom: g2, render: r2 };
  }
  if (options.errorCase === 'missing_stir') writtenStir = null;

  const idRng = rng.fork('identity');
  const uidKey = `sij-phantom/${GENERATOR_VERSION}/${site.name}/${seed}/${examId}`;
  const studyDay = new Date(Date.UTC(2018, 0, 1) + idRng.int(0, 2500) * 86400000);
  const studyDate = studyDay.toISOString().slice(0, 10).replace(/-/g, '');
  const study: StudyIdentity = {
    examId,
    uidKey,
    patientName: `PHANTOM^${examId.toUpperCase()}`,
    patientId: examId,
    birthDate: `${studyDay.getUTCFullYear() - patient.ageYears}0101`,
    sex: patient.sex,
    ageYears: patient.ageYears,
    studyDate,
    studyTime: `${String(idRng.int(7, 18)).padStart(2, '0')}${String(idRng.int(0, 59)).padStart(2, '0')}00`,
    studyInstanceUid: uidFromKey(`${uidKey}/study`),
    frameOfReferenceUid: uidFromKey(`${uidKey}/for`),
    accessionNumber: `A${String(seed).padStart(9, '0')}`.slice(-16),
    institution: `SIJ Phantom site ${site.name}`,
  };
  const t1Uid = uidFromKey(`${uidKey}/series/t1`);
  const stirUid = uidFromKey(`${uidKey}/series/stir`);

  mkdirSync(outDir, { recursive: true });
  const noiseRng = rng.fork('noise');
  const t1Ref = t1Table[Tissue.marrow];
  const stirRef = stirTable[Tissue.muscle];
  const t1Measured = applyArtifacts(
    writtenT1.render,
    writtenT1.geom,
    t1Art,
    t1Ref,
    noiseRng,
    t1Acq.intensityScale,
  );
  const t1Details = writeOne(
    outDir,
    'T1',
    study,
    profile,
    t1Acq,
    writtenT1.geom,
    t1Measured,
    301,
    t1Uid,
    t1Art,
    t1Table,
    t1Ref,
  );
  let stirMeasured: Float32Array | null = null;
  let stirDetails: SeriesTruth | null = null;
  if (writtenStir) {
    stirMeasured = applyArtifacts(
      writtenStir.render,
      writtenStir.geom,
      stirArt,
      stirRef,
      noiseRng,
      stirAcq.intensityScale,
    );
    stirDetails = writeOne(
      outDir,
      'STIR',
      study,
      profile,
      stirAcq,
      writtenStir.geom,
      stirMeasured,
      401,
      stirUid,
      stirArt,
      stirTable,
      stirRef,
    );
  }

  mkdirSync(path.join(outDir, 'masks'), { recursive: true });
  mkdirSync(path.join(outDir, 'clean'), { recursive: true });
  const files: Record<string, string> = {
    t1: 'T1',
    t1Mask: 'masks/t1_lesions.nii.gz',
    t1Clean: 'clean/t1.nii.gz',
  };
  writeMaskNifti(path.join(outDir, files.t1Mask), writtenT1.geom, writtenT1.render.mask);
  writeCleanNifti(
    path.join(outDir, files.t1Clean),
    writtenT1.geom,
    writtenT1.render.clean,
    t1Acq.intensityScale,
  );
  if (writtenStir) {
    Object.assign(files, {
      stir: 'STIR',
      stirMask: 'masks/stir_lesions.nii.gz',
      stirClean: 'clean/stir.nii.gz',
    });
    writeMaskNifti(path.join(outDir, files.stirMask), writtenStir.geom, writtenStir.render.mask);
    writeCleanNifti(
      path.join(outDir, files.stirClean),
      writtenStir.geom,
      writtenStir.render.clean,
      stirAcq.intensityScale,
    );
  }

  const lesionCodes: Record<string, string> = {};
  CODE_NAMES.forEach((name, code) => {
    if (name) lesionCodes[String(code)] = name;
  });
  const truth: PhantomTruth = {
    schema: TRUTH_SCHEMA,
    generatorVersion: GENERATOR_VERSION,
    seed,
    examId,
    site: site.name,
    profile: profile.name,
    caseKind: custom ? 'custom' : caseKind,
    errorCase: options.errorCase ?? null,
    labels: noisy.labels,
    labelsByRule,
    labelNoiseRate: noiseRate,
    labelNoiseFlipped: noisy.flipped,
    sliceOrder:
      'grid slice k = DICOM InstanceNumber k+1 = k-th slice along the normal (row x col), anterior to posterior',
    grid,
    lesionCodes,
    lesions,
    mimics: [...new Set(lesions.filter((l) => l.mimic).map((l) => l.mimic as string))],
    patient,
    slicePlan: plan,
    studyInstanceUid: study.studyInstanceUid,
    series: { t1: t1Uid, stir: writtenStir ? stirUid : null },
    seriesDetails: { t1: t1Details, stir: stirDetails },
    files,
  };
  writeFileSync(path.join(outDir, 'truth.json'), JSON.stringify(truth, null, 1));
  return {
    truth,
    images: {
      t1: t1Measured,
      stir: stirMeasured,
      t1Mask: writtenT1.render.mask,
      stirMask: writtenStir ? writtenStir.render.mask : null,
    },
    geometry: { t1: writtenT1.geom, stir: writtenStir ? writtenStir.geom : null },
  };
}

function writeOne(
  outDir: string,
  folder: string,
  study: StudyIdentity,
  profile: ScannerProfile,
  acq: SeriesAcquisition,
  geom: SeriesGeometry,
  measured: Float32Array,
  seriesNumber: number,
  uid: string,
  art: ArtifactParams,
  table: Float32Array,
  reference: number,
): SeriesTruth {
  const stored = toStored(measured, acq, profile);
  const p99 = percentile(measured, 0.995);
  writeSeries(path.join(outDir, folder), study, profile, acq, geom, stored, seriesNumber, uid, {
    centre: p99 / 2,
    width: p99,
  });
  const tissueSignal: Record<string, number> = {};
  for (const [name, code] of Object.entries(Tissue)) tissueSignal[name] = table[code] * acq.intensityScale;
  const { protocol: _protocol, ...acquisition } = acq;
  return {
    seriesInstanceUid: uid,
    description: acq.protocol.seriesDescription,
    dims: geom.dims,
    spacing: geom.spacing,
    thickness: geom.thickness,
    affine: seriesAffine(geom),
    orientation: geom.orientation,
    acquisition,
    artifacts: art,
    tissueSignal,
    noiseSigma: reference * art.noiseFraction * acq.intensityScale,
  };
}

/** Approximate percentile from a strided sample (fast, only for display windows). */
export function percentile(a: Float32Array, q: number): number {
  const step = Math.max(1, Math.floor(a.length / 50000));
  const sample = new Float32Array(Math.ceil(a.length / step));
  for (let n = 0, m = 0; n < a.length; n += step) sample[m++] = a[n];
  // A typed array sorts numerically in native code (a comparator on a JS array was ~10x slower).
  sample.sort();
  return sample[Math.min(sample.length - 1, Math.floor(q * sample.length))] || 1;
}
