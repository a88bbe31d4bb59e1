import { loadStackVolume, scanPaths, type DicomStack } from '../electron/dicom';
import type { Volume } from '../electron/imaging/volume';

export interface Timing {
  wallMs: number;
  /** user + system time of the whole process, worker threads included */
  cpuMs: number;
  /** Minor page faults: first touches of fresh memory (or copy-on-write), which cost system time. */
  faults: number;
}

export type LoadStack = (stack: DicomStack) => Promise<Volume>;

/**
 * What opening an exam costs: scan the folder (headers, grouping, geometry), then load every
 * stack into a rescaled Float32 volume, the stacks asked for together as the reading view does.
 */
export async function ingestOnce(dir: string, load: LoadStack = loadStackVolume): Promise<Timing> {
  const c0 = process.cpuUsage();
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  const scan = scanPaths([dir]);
  const stacks = scan.studies.flatMap((s) => s.series).flatMap((s) => s.stacks);
  await Promise.all(stacks.map(load));
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (stacks.length === 0) throw new Error(`no stack was read from ${dir}`);
  return { wallMs, cpuMs: (c.user + c.system) / 1000, faults: process.resourceUsage().minorPageFault - f0 };
}
