import { loadStackVolume, type DicomStack, type DicomStudy } from '../dicom';
import { patientToVoxel, voxelToPatient, type Volume } from '../imaging';
import { heatmapName, heatmapNote, heatmapScaleTop, type HeatmapKind, type HeatmapOnLesion } from '../api';
import type { SourceInstance } from './export/sr';
import { fingerprintFiles } from './imageHash';
import { renderKeyImage } from './report/keyImage';
import type { ReportImage } from './report/reportContent';
import type { ExamRef, Reading } from './schema';

/** The semicoronal T1 and STIR stacks a reading is made on: the most confident of each role. */
export function readStacks(study: DicomStudy): { t1: DicomStack | null; stir: DicomStack | null } {
  const stacks = study.series.flatMap((s) => s.stacks);
  const best = (role: 't1' | 'stir') =>
    stacks.filter((s) => s.role.role === role).sort((a, b) => b.role.confidence - a.role.confidence)[0] ??
    null;
  return { t1: best('t1'), stir: best('stir') };
}

function seriesOf(study: DicomStudy, stack: DicomStack) {
  return study.series.find((s) => s.seriesInstanceUid === stack.seriesInstanceUid)!;
}

/** Image files behind the read stacks: what the reading's image fingerprint covers. */
export function readFiles(stacks: { t1: DicomStack | null; stir: DicomStack | null }): string[] {
  return [...new Set([stacks.t1, stacks.stir].flatMap((s) => (s ? s.slices.map((x) => x.path) : [])))].sort();
}

export async function examRefFromStudy(study: DicomStudy): Promise<ExamRef> {
  const stacks = readStacks(study);
  const ref = (s: DicomStack | null) =>
    s && {
      seriesInstanceUid: s.seriesInstanceUid,
      description: seriesOf(study, s).description,
      sliceCount: s.dims[2],
    };
  return {
    studyInstanceUid: study.studyInstanceUid,
    studyDate: study.studyDate || undefined,
    studyDescription: study.description || undefined,
    patient: { id: study.patientId || undefined, name: study.patientName || undefined },
    series: { t1: ref(stacks.t1), stir: ref(stacks.stir) },
    imageHash: stacks.t1 || stacks.stir ? await fingerprintFiles(readFiles(stacks)) : null,
  };
}

export function sourceInstancesOf(study: DicomStudy): SourceInstance[] {
  const stacks = readStacks(study);
  return [stacks.t1, stacks.stir].flatMap((s) =>
    s
      ? s.slices.map((x) => ({
          seriesInstanceUid: s.seriesInstanceUid,
          sopClassUid: seriesOf(study, s).sopClassUid,
          sopInstanceUid: x.sopInstanceUid,
        }))
      : [],
  );
}

/**
 * The slice the reader's own work points to: their first key image, else the slice with most lesions in
 * the grid; null when they chose none and marked no lesion.
 */
export function readerKeySlice(r: Reading): number | null {
  if (r.keyImages.length > 0) return r.keyImages[0].slice;
  const counts = new Map<number, number>();
  for (const c of r.grid)
    if (c.lesions.length > 0) counts.set(c.slice, (counts.get(c.slice) ?? 0) + c.lesions.length);
  const busiest = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  return busiest ? busiest[0] : null;
}

/** The slice k of `stack` that holds the map's maximum (the map on any grid, through patient space). */
export function mapPeakSlice(map: Volume, stack: Volume): number {
  let best = 0;
  for (let n = 1; n < map.data.length; n++) if (map.data[n] > map.data[best]) best = n;
  const [nx, ny] = map.dims;
  const peak = voxelToPatient(map.affine, [
    best % nx,
    Math.floor(best / nx) % ny,
    Math.floor(best / (nx * ny)),
  ]);
  const k = Math.round(patientToVoxel(stack.affine, peak)[2]);
  return Math.min(Math.max(k, 0), stack.dims[2] - 1);
}

export interface CamVolume {
  task: string;
  sequence: 't1' | 'stir';
  volume: Volume;
  /** the model's own pointing game for the task (undefined: not checked) */
  heatmapOnLesion?: HeatmapOnLesion;
  /** what the map shows (undefined: Grad-CAM) */
  kind?: HeatmapKind;
}

/** A key image's caption with its heat map: what is drawn, and how far the map can be trusted to point. */
export function camCaption(label: string, slice: number, cam: CamVolume): string {
  const top = heatmapScaleTop(cam.kind) ?? 'max';
  return `${label}, image ${slice + 1}, ${cam.task.replace('_', ' ')} heat map, ${heatmapName(cam.kind)} (inferno scale 0 to ${top}, transparent below 20%). ${heatmapNote(cam.heatmapOnLesion)}`;
}

/**
 * Key images of both sequences, each plain and with the heat map most relevant to it (structural on T1,
 * active inflammation on STIR) when maps are available. The slice is the reader's (readerKeySlice); where
 * they pointed at none, the slice of the map's maximum, so the map is seen where it points; else the middle.
 */
export async function keyImages(
  r: Reading,
  stacks: { t1: DicomStack | null; stir: DicomStack | null },
  cams: readonly CamVolume[],
): Promise<ReportImage[]> {
  const out: ReportImage[] = [];
  const plan = [
    { sequence: 't1' as const, stack: stacks.t1, task: 'structural', label: 'T1' },
    { sequence: 'stir' as const, stack: stacks.stir, task: 'active_inflammation', label: 'STIR' },
  ];
  const chosen = readerKeySlice(r);
  for (const p of plan) {
    if (!p.stack) continue;
    const volume = await loadStackVolume(p.stack);
    const cam = cams.find((c) => c.sequence === p.sequence && c.task === p.task);
    const slice =
      chosen !== null
        ? Math.min(chosen, volume.dims[2] - 1)
        : cam
          ? mapPeakSlice(cam.volume, volume)
          : Math.floor(volume.dims[2] / 2);
    const why = chosen === null && cam ? ` (the ${cam.task.replace('_', ' ')} map's maximum)` : '';
    out.push({ caption: `${p.label}, image ${slice + 1}${why}`, png: renderKeyImage({ volume, slice }) });
    if (cam)
      out.push({
        caption: camCaption(p.label, slice, cam),
        png: renderKeyImage({ volume, slice, cam: cam.volume, camMax: heatmapScaleTop(cam.kind) }),
      });
  }
  return out;
}
