import { buildStackGeometry } from './geometry';
import type { ImageInstance } from './header';
import { classifyOrientation } from './orientation';
import { assessRole } from './role';
import type { DicomSeries, DicomStack, DicomStudy, SkippedFile, SliceRef } from './types';

const ORIENTATION_TOLERANCE = 1e-3;
const SPACING_TOLERANCE = 1e-3;

/** Same plane orientation, matrix, pixel spacing and echo: the slices can share one volume. */
function sameStack(a: SliceRef, b: SliceRef): boolean {
  if (a.pixel.rows !== b.pixel.rows || a.pixel.columns !== b.pixel.columns) return false;
  if (a.echo !== b.echo || a.temporalPosition !== b.temporalPosition) return false;
  if (Boolean(a.orientation) !== Boolean(b.orientation)) return false;
  if (
    a.orientation &&
    b.orientation &&
    a.orientation.some((v, i) => Math.abs(v - b.orientation![i]) > ORIENTATION_TOLERANCE)
  ) {
    return false;
  }
  const sa = a.pixelSpacing ?? [0, 0];
  const sb = b.pixelSpacing ?? [0, 0];
  return Math.abs(sa[0] - sb[0]) <= SPACING_TOLERANCE && Math.abs(sa[1] - sb[1]) <= SPACING_TOLERANCE;
}

function splitIntoStacks(series: { uid: string; instances: ImageInstance[] }): DicomStack[] {
  const groups: SliceRef[][] = [];
  for (const inst of series.instances) {
    for (const slice of inst.slices) {
      const group = groups.find((g) => sameStack(g[0], slice));
      if (group) group.push(slice);
      else groups.push([slice]);
    }
  }
  // Largest stack first: the diagnostic series before its stray localizers.
  groups.sort((a, b) => b.length - a.length || a[0].sopInstanceUid.localeCompare(b[0].sopInstanceUid));
  const sequence = series.instances[0].sequence;
  const role = assessRole(sequence);
  const matrices = new Set(groups.map((g) => `${g[0].pixel.rows}x${g[0].pixel.columns}`));
  return groups.map((group, index) => {
    const geometry = buildStackGeometry(group);
    const orientation = classifyOrientation(geometry.normal);
    const problems = [...geometry.problems];
    if (matrices.size > 1) {
      problems.push(`series mixes image sizes (${[...matrices].join(', ')}): split into stacks`);
    }
    if (group[0].pixel.samplesPerPixel !== 1)
      problems.push(`colour images (${group[0].pixel.photometric}) are read as luminance`);
    return {
      seriesInstanceUid: series.uid,
      index,
      rows: group[0].pixel.rows,
      columns: group[0].pixel.columns,
      ...geometry,
      ...orientation,
      role,
      sequence,
      problems,
    };
  });
}

/**
 * Builds patient/study -> series -> stack from image instances. Frames whose SOP Instance UID
 * was already seen are dropped and reported as skipped duplicates.
 */
export function groupInstances(instances: ImageInstance[]): {
  studies: DicomStudy[];
  duplicates: SkippedFile[];
} {
  const seen = new Map<string, string>();
  const duplicates: SkippedFile[] = [];
  const studies = new Map<string, { first: ImageInstance; series: Map<string, ImageInstance[]> }>();
  for (const inst of instances) {
    const sop = inst.slices[0].sopInstanceUid;
    const earlier = seen.get(sop);
    if (earlier !== undefined) {
      duplicates.push({
        path: inst.path,
        reason: `duplicate SOP Instance UID ${sop} (same as ${earlier}); ignored`,
      });
      continue;
    }
    seen.set(sop, inst.path);
    let study = studies.get(inst.studyInstanceUid);
    if (!study) {
      study = { first: inst, series: new Map() };
      studies.set(inst.studyInstanceUid, study);
    }
    const list = study.series.get(inst.seriesInstanceUid);
    if (list) list.push(inst);
    else study.series.set(inst.seriesInstanceUid, [inst]);
  }
  const result: DicomStudy[] = [];
  for (const [uid, study] of studies) {
    const series: DicomSeries[] = [];
    for (const [seriesUid, list] of study.series) {
      const head = list[0];
      series.push({
        seriesInstanceUid: seriesUid,
        seriesNumber: head.seriesNumber,
        description: head.sequence.seriesDescription ?? head.sequence.protocolName ?? '',
        modality: head.modality,
        sopClassUid: head.sopClassUid,
        stacks: splitIntoStacks({ uid: seriesUid, instances: list }),
      });
    }
    // Series number first, as scanners present them; the UID breaks ties so file order never matters.
    series.sort(
      (a, b) =>
        (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity) ||
        a.seriesInstanceUid.localeCompare(b.seriesInstanceUid),
    );
    result.push({
      studyInstanceUid: uid,
      patientId: study.first.patientId,
      patientName: study.first.patientName,
      studyDate: study.first.studyDate,
      description: study.first.studyDescription,
      series,
    });
  }
  result.sort((a, b) => a.patientId.localeCompare(b.patientId) || a.studyDate.localeCompare(b.studyDate));
  return { studies: result, duplicates };
}
