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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
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

/** Scan + load every stack, as opening an exam does. Best and median of ROUNDS runs (warm cache). */
async function ingest(dir: string, rounds: number): Promise<{ best: number; median: number; cpu: number }> {
  const times: number[] = [];
  const cpus: number[] = [];
  let stacks = 0;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const scan = scanPaths([dir]);
    stacks = 0;
    for (const st of scan.studies.flatMap((s) => s.series).flatMap((s) => s.stacks)) {
      await loadStackVolume(st);
      stacks++;
    }
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
    if (stacks === 0) throw new Error(`no stack was read from ${dir}`);
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return { best: times[0], median: times[times.length >> 1], cpu: cpus[cpus.length >> 1] };
}

function pydicom(files: string[]): { seconds: number; cpuSeconds: number; maxRssKb: number } | undefined {
  const list = path.join(out, 'pydicom-files.txt');
  writeFileSync(list, files.join('\n'));
  try {
    const res = execFileSync('/usr/bin/python3', [path.join(here, 'ingest-pydicom.py'), list], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(res);
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
  files: number;
  mb: number;
  bestMs: number;
  medianMs: number;
  cpuMs: number;
  filesPerS: number;
  mbPerS: number;
  pydicomMs?: number;
  pydicomCpuMs?: number;
  ratio?: number;
  cpuRatio?: number;
}

async function measure(set: string, dir: string, withPydicom: boolean, rounds = ROUNDS): Promise<Row> {
  const files = filesUnder(dir);
  const bytes = bytesOf(files);
  const { best, median, cpu } = await ingest(dir, rounds);
  const row: Row = {
    set,
    files: files.length,
    mb: bytes / 1e6,
    bestMs: best,
    medianMs: median,
    cpuMs: cpu,
    filesPerS: files.length / (median / 1000),
    mbPerS: bytes / 1e6 / (median / 1000),
  };
  if (withPydicom) {
    const py = pydicom(files);
    if (py) {
      row.pydicomMs = py.seconds * 1000;
      row.pydicomCpuMs = py.cpuSeconds * 1000;
      row.ratio = row.pydicomMs / median;
      row.cpuRatio = row.pydicomCpuMs / cpu;
    }
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
  rows.push(await measure('exam, explicit VR LE (uncompressed)', exam, true));

  const codecs: [string, string[], boolean][] = [
    ['RLE lossless', ['dcmcrle'], true],
    ['JPEG lossless SV1', ['dcmcjpeg', '+e1'], false],
    ['JPEG-LS lossless', ['dcmcjpls'], false],
    ['JPEG 2000 lossless', ['gdcmconv', '--j2k'], false],
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
    `ingest = scanPaths + loadStackVolume for every stack (median of ${ROUNDS} warm runs, ${CODEC_ROUNDS} for codecs/folder);`,
    'pydicom = dcmread + pixel_array + rescale per file (Debian python3-pydicom; it has no JPEG decoder here).',
    `wall times depend on machine load (load average now ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs); CPU ms is this process's user+system time.`,
    'set | files | MB | wall best ms | wall median ms | CPU ms | files/s | MB/s | pydicom wall ms | pydicom CPU ms | x pydicom (wall) | x pydicom (CPU)',
    ...rows.map(
      (r) =>
        `${r.set} | ${r.files} | ${fmt(r.mb)} | ${fmt(r.bestMs)} | ${fmt(r.medianMs)} | ${fmt(r.cpuMs)} | ${fmt(r.filesPerS, 0)} | ${fmt(r.mbPerS, 0)} | ${fmt(r.pydicomMs)} | ${fmt(r.pydicomCpuMs)} | ${fmt(r.ratio, 2)} | ${fmt(r.cpuRatio, 2)}`,
    ),
    `peak RSS (node, whole bench): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  writeFileSync(
    path.join(out, '..', 'bench-ingest.json'),
    JSON.stringify({ rows, peakRssMb: process.resourceUsage().maxRSS / 1024 }, null, 2),
  );
  const target = rows[0];
  process.stdout.write(
    `target: 50-file 512x512 exam < 300 ms: wall ${fmt(target.medianMs)} ms (${target.medianMs < 300 ? 'met' : 'NOT met'}), CPU ${fmt(target.cpuMs)} ms (${
      target.cpuMs < 300 ? 'met' : 'NOT met'
    }); >= 3x pydicom: wall ${fmt(target.ratio, 2)}x, CPU ${fmt(target.cpuRatio, 2)}x\n`,
  );
}

await main();
