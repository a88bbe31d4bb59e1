/**
 * `npm run bench:ingest`: how fast the DICOM ingest reads an exam, per transfer syntax, and a
 * 1,000-file folder, against pydicom reading the same files in the same run. Not a test: it
 * prints numbers (and writes test-output/bench-ingest.json) for the README and the report.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStackVolume, scanPaths } from '../electron/dicom';
import {
  acquisition,
  positionsAlongNormal,
  writeSeries,
  type SeriesSpec,
} from '../test/fixtures/dicom/series';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../test-output/bench-ingest');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** Compressed sets and the big folder take seconds per run: fewer rounds. */
const CODEC_ROUNDS = Math.min(ROUNDS, 2);

type V3 = [number, number, number];
const tilt = (30 * Math.PI) / 180;
const ROW: V3 = [1, 0, 0];
const COL: V3 = [0, Math.sin(tilt), -Math.cos(tilt)];

function sijSeries(
  uid: string,
  n: number,
  description: string,
  size: number,
  extra: SeriesSpec['extra'],
): SeriesSpec {
  return {
    studyUid: '1.2.826.0.1.3680043.9.7433.99',
    seriesUid: uid,
    seriesNumber: Number(uid.split('.').pop()),
    description,
    rows: size,
    columns: size,
    pixelSpacing: [0.6, 0.6],
    rowCosine: ROW,
    columnCosine: COL,
    positions: positionsAlongNormal([-150, -40, 80], ROW, COL, n, 4),
    bitsStored: 12,
    pixel: (i, j, k) =>
      (Math.round(800 + 600 * Math.sin(i / 23) * Math.cos(j / 31) + 5 * k) + ((i * 7 + j * 3) % 17)) & 0xfff,
    extra,
  };
}

function makeExam(dir: string, size = 512, slices = 25): void {
  writeSeries(
    path.join(dir, 'T1'),
    sijSeries(
      '1.2.826.0.1.3680043.9.7433.99.1',
      slices,
      't1_tse_cor',
      size,
      acquisition({ tr: 650, te: 11 }),
    ),
  );
  writeSeries(
    path.join(dir, 'STIR'),
    sijSeries(
      '1.2.826.0.1.3680043.9.7433.99.2',
      slices,
      'tirm_cor',
      size,
      acquisition({ tr: 5000, te: 56, ti: 150 }),
    ),
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function bytesOf(files: string[]): number {
  return files.reduce((s, f) => s + statSync(f).size, 0);
}

interface Timing {
  wallMs: number;
  cpuMs: number;
  /** Minor page faults: first touches of fresh memory, which cost system time. */
  faults: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Scan + load every stack, as opening an exam does. */
async function ingestOnce(dir: string): Promise<Timing> {
  const c0 = process.cpuUsage();
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  const scan = scanPaths([dir]);
  let stacks = 0;
  for (const st of scan.studies.flatMap((s) => s.series).flatMap((s) => s.stacks)) {
    await loadStackVolume(st);
    stacks++;
  }
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (stacks === 0) throw new Error(`no stack was read from ${dir}`);
  return { wallMs, cpuMs: (c.user + c.system) / 1000, faults: process.resourceUsage().minorPageFault - f0 };
}

function writeList(files: string[]): string {
  const list = path.join(out, 'files.txt');
  writeFileSync(list, files.join('\n'));
  return list;
}

function pydicomOnce(files: string[]): Timing | undefined {
  try {
    const res = execFileSync('/usr/bin/python3', [path.join(here, 'ingest-pydicom.py'), writeList(files)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const py = JSON.parse(res) as { seconds: number; cpuSeconds: number; minorFaults: number };
    return { wallMs: py.seconds * 1000, cpuMs: py.cpuSeconds * 1000, faults: py.minorFaults };
  } catch {
    return undefined;
  }
}

/** Evicts the files from the page cache and says how many MB are still resident (fincore). */
function evict(files: string[]): number | undefined {
  execFileSync('/usr/bin/python3', [path.join(here, 'ingest-evict.py'), writeList(files)]);
  try {
    const res = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', ...files], {
      encoding: 'utf8',
    });
    return res.split('\n').reduce((s, l) => s + (Number(l.trim()) || 0), 0) / 1e6;
  } catch {
    return undefined;
  }
}

/** Copies `src` into `dst` through an external encoder, file by file. */
function encodeAll(src: string, dst: string, tool: string[]): void {
  for (const f of filesUnder(src)) {
    const target = path.join(dst, path.relative(src, f));
    mkdirSync(path.dirname(target), { recursive: true });
    execFileSync(tool[0], [...tool.slice(1), f, target], { stdio: 'pipe' });
  }
}

interface Row {
  set: string;
  cache: 'warm' | 'cold';
  runs: number;
  files: number;
  mb: number;
  wallMs: number;
  cpuMs: number;
  filesPerS: number;
  mbPerS: number;
  pydicomWallMs?: number;
  pydicomCpuMs?: number;
  ratio?: number;
  cpuRatio?: number;
  /** Least-disturbed run on a loaded machine: best CPU ms of ours and of pydicom, and their ratio. */
  bestCpuMs: number;
  pydicomBestCpuMs?: number;
  bestCpuRatio?: number;
  /** Median minor page faults per run, ours and pydicom's. */
  faults: number;
  pydicomFaults?: number;
  /** 1-minute load average when the row started and when it ended */
  load: [number, number];
  /** MB of the files still in the page cache after eviction (cold rows) */
  residentMb?: number;
}

/**
 * Median of `rounds` runs. With pydicom, each of our runs is followed by one pydicom run over
 * the same files, so both see the same machine load; warm runs come after one untimed warm-up
 * of each (page cache filled, JIT compiled). Cold runs evict the files before every run.
 */
async function measure(
  set: string,
  dir: string,
  withPydicom: boolean,
  rounds: number,
  cache: 'warm' | 'cold' = 'warm',
): Promise<Row> {
  const files = filesUnder(dir);
  const bytes = bytesOf(files);
  const load0 = loadavg()[0];
  if (cache === 'warm') {
    await ingestOnce(dir);
    if (withPydicom) pydicomOnce(files);
  }
  const ours: Timing[] = [];
  const theirs: Timing[] = [];
  let residentMb: number | undefined;
  for (let r = 0; r < rounds; r++) {
    if (cache === 'cold') residentMb = Math.max(residentMb ?? 0, evict(files) ?? 0);
    ours.push(await ingestOnce(dir));
    if (!withPydicom) continue;
    if (cache === 'cold') evict(files);
    const py = pydicomOnce(files);
    if (py) theirs.push(py);
  }
  const wallMs = median(ours.map((t) => t.wallMs));
  const cpuMs = median(ours.map((t) => t.cpuMs));
  const row: Row = {
    set,
    cache,
    runs: rounds,
    files: files.length,
    mb: bytes / 1e6,
    wallMs,
    cpuMs,
    bestCpuMs: Math.min(...ours.map((t) => t.cpuMs)),
    faults: median(ours.map((t) => t.faults)),
    filesPerS: files.length / (wallMs / 1000),
    mbPerS: bytes / 1e6 / (wallMs / 1000),
    load: [load0, loadavg()[0]],
    residentMb,
  };
  if (theirs.length === rounds) {
    row.pydicomWallMs = median(theirs.map((t) => t.wallMs));
    row.pydicomCpuMs = median(theirs.map((t) => t.cpuMs));
    row.ratio = row.pydicomWallMs / wallMs;
    row.cpuRatio = row.pydicomCpuMs / cpuMs;
    row.pydicomBestCpuMs = Math.min(...theirs.map((t) => t.cpuMs));
    row.bestCpuRatio = row.pydicomBestCpuMs / row.bestCpuMs;
    row.pydicomFaults = median(theirs.map((t) => t.faults));
  }
  return row;
}

async function main(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const exam = path.join(out, 'exam-explicit-le');
  process.stderr.write('generating a 2-series 512x512 exam (2 x 25 slices)...\n');
  makeExam(exam);
  const rows: Row[] = [];
  const target = await measure('exam, explicit VR LE (uncompressed)', exam, true, ROUNDS);
  rows.push(target);
  rows.push(await measure('exam, explicit VR LE (uncompressed)', exam, true, CODEC_ROUNDS, 'cold'));

  const codecs: [string, string[], boolean][] = [
    ['RLE lossless', ['dcmcrle'], true],
    ['JPEG lossless SV1', ['dcmcjpeg', '+e1'], false],
    ['JPEG-LS lossless', ['dcmcjpls'], false],
    ['JPEG 2000 lossless', ['gdcmconv', '--j2k'], false],
    ['JPEG extended 12-bit (lossy)', ['dcmcjpeg', '+ee'], false],
  ];
  for (const [name, tool, py] of codecs) {
    const dir = path.join(out, `exam-${name.replace(/\W+/g, '-')}`);
    process.stderr.write(`encoding the exam as ${name}...\n`);
    encodeAll(exam, dir, tool);
    rows.push(await measure(`exam, ${name}`, dir, py, CODEC_ROUNDS));
  }
  const eightBit = path.join(out, 'exam-8bit');
  mkdirSync(eightBit, { recursive: true });
  writeSeries(path.join(eightBit, 'T1'), {
    ...sijSeries('1.2.826.0.1.3680043.9.7433.99.8', 25, 't1 8-bit', 512, []),
    bitsAllocated: 8,
    bitsStored: 8,
    pixel: (i, j, k) => (i + 2 * j + k) & 0xff,
  });
  const baseline = path.join(out, 'exam-jpeg-baseline');
  process.stderr.write('encoding an 8-bit series as JPEG baseline...\n');
  encodeAll(eightBit, baseline, ['dcmcjpeg', '+eb']);
  rows.push(await measure('series 8-bit, JPEG baseline', baseline, false, CODEC_ROUNDS));

  const folder = path.join(out, 'folder-1000');
  process.stderr.write('generating a 1,000-file folder (40 series x 25 slices, 256x256)...\n');
  for (let s = 0; s < 20; s++) makeExam(path.join(folder, `exam${s}`), 256, 25);
  rows.push(await measure('1,000-file folder, explicit VR LE', folder, true, CODEC_ROUNDS));

  const fmt = (x: number | undefined, d = 1): string => (x === undefined ? '-' : x.toFixed(d));
  const lines = [
    `ingest = scanPaths + loadStackVolume for every stack (Float32 volumes, rescaled); median of ${ROUNDS} runs for the warm exam, ${CODEC_ROUNDS} elsewhere.`,
    'pydicom = dcmread + pixel_array + astype(float32) + rescale per file (Debian python3-pydicom; no JPEG decoder here), run after each of ours on the same files.',
    'wall and CPU columns are medians; "best" is the least-disturbed run of each side.',
    'warm: files in the page cache, JIT compiled. cold: files evicted from the page cache (posix_fadvise) before each run, ours and pydicom alike.',
    `CPU ms = user+system time of the process; on a shared machine the CPU ratio is the figure to trust, wall times follow the load (${availableParallelism()} CPUs).`,
    'set | cache | files | MB | wall ms | CPU ms | files/s | MB/s | pydicom wall ms | pydicom CPU ms | x pydicom (wall) | x pydicom (CPU) | best CPU ms: ours / pydicom (x) | page faults: ours / pydicom | load avg',
    ...rows.map(
      (r) =>
        `${r.set} | ${r.cache}${r.residentMb !== undefined ? ` (${fmt(r.residentMb)} MB left)` : ''} | ${r.files} | ${fmt(r.mb)} | ${fmt(r.wallMs)} | ${fmt(r.cpuMs)} | ${fmt(r.filesPerS, 0)} | ${fmt(r.mbPerS, 0)} | ${fmt(r.pydicomWallMs)} | ${fmt(r.pydicomCpuMs)} | ${fmt(r.ratio, 2)} | ${fmt(r.cpuRatio, 2)} | ${fmt(r.bestCpuMs)} / ${fmt(r.pydicomBestCpuMs)} (${fmt(r.bestCpuRatio, 2)}) | ${r.faults} / ${r.pydicomFaults ?? '-'} | ${fmt(r.load[0])}-${fmt(r.load[1])}`,
    ),
    `peak RSS (node, whole bench): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  writeFileSync(
    path.join(out, '..', 'bench-ingest.json'),
    JSON.stringify({ rows, peakRssMb: process.resourceUsage().maxRSS / 1024 }, null, 2),
  );
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  process.stdout.write(
    `target (warm): 50-file 512x512 exam < 300 ms: wall ${fmt(target.wallMs)} ms (${met(target.wallMs < 300)}), CPU ${fmt(target.cpuMs)} ms (${met(
      target.cpuMs < 300,
    )}); >= 3x pydicom: wall ${fmt(target.ratio, 2)}x (${met((target.ratio ?? 0) >= 3)}), CPU ${fmt(target.cpuRatio, 2)}x (${met(
      (target.cpuRatio ?? 0) >= 3,
    )}), best CPU ${fmt(target.bestCpuRatio, 2)}x; load average ${fmt(target.load[0])}-${fmt(target.load[1])}\n`,
  );
}

await main();
