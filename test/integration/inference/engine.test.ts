import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridAffineForStack } from '../../../electron/imaging';
import {
  applyInferenceMigration,
  CancelledError,
  EngineError,
  InferenceEngine,
  ManifestError,
  SqliteResultCache,
  writeCamNifti,
  type EngineOutput,
} from '../../../electron/inference';

const here = path.dirname(new URL(import.meta.url).pathname);
const FIXTURE = path.resolve('test/fixtures/models/random-small');
const grid = { size: [20, 112, 112] as const, spacing: [3.5, 2, 2] as const };

function makeExam(dir: string, ...args: string[]): string {
  execFileSync('/usr/bin/python3', [path.join(here, 'make_exam.py'), dir, ...args]);
  return dir;
}

function copyModel(edit?: (manifest: Record<string, unknown>) => void): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'model-')), 'm');
  cpSync(FIXTURE, dir, { recursive: true });
  if (edit) {
    const file = path.join(dir, 'manifest.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    edit(json);
    writeFileSync(file, JSON.stringify(json));
  }
  return dir;
}

describe('InferenceEngine (worker thread, random-small model)', () => {
  let root: string;
  let exams: { ok: string; noStir: string; axial: string };
  let cache: SqliteResultCache;
  let engine: InferenceEngine;
  let first: EngineOutput;
  let loopP99Ms: number;
  let idleP99Ms: number;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'engine-'));
    exams = {
      ok: makeExam(path.join(root, 'ok'), '--lesion'),
      noStir: makeExam(path.join(root, 'no-stir'), '--sequences', 't1'),
      axial: makeExam(path.join(root, 'axial'), '--orientation', 'axial'),
    };
    // The engine's worker writes the cache file; the test reads it through its own connection.
    const cacheFile = path.join(root, 'cache.sqlite');
    const db = new Database(cacheFile);
    db.pragma('journal_mode = WAL');
    applyInferenceMigration(db);
    cache = new SqliteResultCache(db);
    engine = new InferenceEngine({
      model: FIXTURE,
      cacheFile,
      session: { providers: ['cpu'], threads: 2 },
      log: () => {},
    });
    // As the app does at start: worker up, sessions created and warmed before the first exam.
    expect(await engine.prepare()).toBe('cpu');
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 3000));
    idle.disable();
    idleP99Ms = idle.percentile(99) / 1e6;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    first = await engine.read([exams.ok]);
    delay.disable();
    loopP99Ms = delay.percentile(99) / 1e6;
  }, 180_000);

  afterAll(() => engine?.close());

  it('reads an exam: three tasks at the manifest thresholds, the provider, stage timings', () => {
    const r = first.result;
    expect(first.cached).toBe(false);
    expect(r.model.id).toBe('random-small');
    expect(r.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.provider).toBe('cpu');
    for (const key of ['active_inflammation', 'asas_bme', 'structural'] as const) {
      const t = r.tasks[key];
      expect(t.threshold).toBe(0.5);
      expect(t.probability).toBeGreaterThanOrEqual(0);
      expect(t.probability).toBeLessThanOrEqual(1);
      expect(t.positive).toBe(t.probability >= 0.5);
    }
    for (const stage of [
      'scan',
      'decode',
      'resample',
      'denoiseT1',
      'denoiseStir',
      'classifier',
      'cam',
      'total',
    ]) {
      expect(r.timingsMs[stage]).toBeGreaterThan(0);
    }
    expect(r.warnings).toEqual([]);
  });

  it('keeps the main event loop responsive while the worker reads (p99 delay < 50 ms over idle)', () => {
    // On a shared, overloaded machine the OS alone delays an idle loop; what the read adds on top
    // of that idle baseline must stay under 50 ms (on a quiet machine the baseline is ~0).
    const allowance = Math.max(0, idleP99Ms - 5);
    process.stderr.write(
      `event-loop delay p99: idle ${idleP99Ms.toFixed(1)} ms, during a read ${loopP99Ms.toFixed(1)} ms\n`,
    );
    expect(loopP99Ms).toBeLessThan(50 + allowance);
  });

  it('returns six Grad-CAMs, each on the model grid laid in its own stack frame', () => {
    expect(first.cams.map((c) => `${c.task}/${c.sequence}`).sort()).toEqual([
      'active_inflammation/stir',
      'active_inflammation/t1',
      'asas_bme/stir',
      'asas_bme/t1',
      'structural/stir',
      'structural/t1',
    ]);
    for (const cam of first.cams) {
      const stack = first.result.stacks[cam.sequence];
      const expected = gridAffineForStack({ dims: stack.dims, affine: stack.affine }, grid);
      expect(cam.volume.dims).toEqual([112, 112, 20]);
      cam.volume.affine.forEach((v, n) => expect(v).toBeCloseTo(expected[n], 9));
      expect(Math.min(...cam.volume.data.subarray(0, 5000))).toBeGreaterThanOrEqual(0); // ReLU'd
    }
  });

  it('answers the same input with the same model from the cache', async () => {
    expect(cache.count()).toBe(1);
    const again = await engine.read([exams.ok]);
    expect(again.cached).toBe(true);
    expect(again.result.key).toBe(first.result.key);
    expect(again.result.tasks).toEqual(first.result.tasks);
    expect(again.cams).toHaveLength(6);
    expect(Array.from(again.cams[0].volume.data.subarray(0, 100))).toEqual(
      Array.from(first.cams[0].volume.data.subarray(0, 100)),
    );
  });

  it('writes CAM NIfTI that lines up with the source stack (nibabel vs pydicom geometry)', () => {
    const dir = path.join(root, 'cams');
    const files = writeCamNifti(first, dir);
    expect(files).toHaveLength(6);
    const script = `
import sys, glob, numpy as np, nibabel as nib, pydicom
cam = nib.load(sys.argv[1]); series = sys.argv[2]
sl = [pydicom.dcmread(f) for f in glob.glob(series + '/*.dcm')]
iop = np.array(sl[0].ImageOrientationPatient, float); row, col = iop[:3], iop[3:]; n = np.cross(row, col)
sl.sort(key=lambda s: np.dot(np.array(s.ImagePositionPatient, float), n))
p0, p1 = (np.array(s.ImagePositionPatient, float) for s in (sl[0], sl[-1]))
dr, dc = (float(v) for v in sl[0].PixelSpacing)
a = np.eye(4); a[:3, 0], a[:3, 1], a[:3, 2], a[:3, 3] = row * dc, col * dr, (p1 - p0) / (len(sl) - 1), p0
a = np.diag([-1, -1, 1, 1]) @ a  # LPS -> RAS
print(int(cam.shape == (sl[0].Columns, sl[0].Rows, len(sl))), float(np.abs(cam.affine - a).max()), float(np.asarray(cam.dataobj).max()))
`;
    for (const seq of ['t1', 'stir'] as const) {
      const file = files.find((f) => f.endsWith(`cam_active_inflammation_${seq}.nii.gz`))!;
      const [shapeOk, affineErr, max] = execFileSync('/usr/bin/python3', [
        '-c',
        script,
        file,
        path.join(exams.ok, seq.toUpperCase()),
      ])
        .toString()
        .trim()
        .split(' ')
        .map(Number);
      expect(shapeOk).toBe(1);
      expect(affineErr).toBeLessThan(1e-3);
      expect(max).toBeGreaterThanOrEqual(0);
    }
  });

  it('refuses an exam without STIR with its specific message and caches nothing', async () => {
    const err = await engine.read([exams.noStir]).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe('missing_sequence');
    expect(err.message).toContain(exams.noStir);
    expect(err.message).toMatch(/no fluid-sensitive fat-suppressed \(STIR\/TIRM\) series found/);
    expect(cache.count()).toBe(1);
  });

  it('warns on an axial-only exam when the manifest says warn, refuses when it says refuse', async () => {
    const warned = await engine.read([exams.axial]);
    expect(warned.result.warnings.map((w) => w.code)).toEqual(['orientation', 'orientation']);
    expect(warned.result.warnings[0].message).toMatch(
      /T1-weighted series 't1_tse_cor' \(axial, 12 slices\) is axial, not semicoronal/,
    );
    const strict = copyModel(
      (m) => ((m.inputs as { orientation: { onMismatch: string } }).orientation.onMismatch = 'refuse'),
    );
    const before = cache.count();
    const err = await engine.read([exams.axial], { model: strict }).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe('orientation');
    expect(err.message).toMatch(/is axial, not semicoronal/);
    expect(cache.count()).toBe(before);
  });

  it('refuses a corrupted model file, naming it, and caches nothing', async () => {
    const dir = copyModel();
    const onnx = path.join(dir, 'denoise_stir.onnx');
    const bytes = readFileSync(onnx);
    bytes[200] ^= 0x55;
    writeFileSync(onnx, bytes);
    const before = cache.count();
    const err = await engine.read([exams.ok], { model: dir }).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.kind).toBe('ModelIntegrityError');
    expect(err.message).toContain(`${onnx}: sha256`);
    expect(cache.count()).toBe(before);
  });

  it('refuses a wrong manifest, naming the file', async () => {
    const dir = copyModel((m) => {
      m.tasks = [];
    });
    const err = await engine.read([exams.ok], { model: dir }).catch((e) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect(err.message).toContain(path.join(dir, 'manifest.json'));
    expect(err.message).toMatch(/tasks: /);
  });

  it('says when the requested provider is not available (CUDA without its libraries)', async () => {
    const gpu = new InferenceEngine({ model: FIXTURE, session: { providers: ['cuda'] }, log: () => {} });
    try {
      const out = await gpu.read([exams.ok]).catch((e) => e);
      if (out instanceof Error) {
        expect(out).toBeInstanceOf(EngineError);
        expect(out.message).toMatch(/^no requested execution provider could run the model \(cuda: .+\)$/);
      } else {
        expect(out.result.provider).toBe('cuda'); // a machine where CUDA really works
      }
    } finally {
      await gpu.close();
    }
  });

  it('cancels mid-run: the worker is stopped, nothing is cached, the next exam still runs', async () => {
    const fresh = makeExam(path.join(root, 'cancel'), '--seed', '9');
    const before = cache.count();
    const controller = new AbortController();
    const stages: string[] = [];
    const run = engine.read([fresh], {
      signal: controller.signal,
      onProgress: (p) => {
        stages.push(p.stage);
        if (p.stage === 'resample') controller.abort();
      },
    });
    const err = await run.catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.message).toMatch(/^cancelled during resample/);
    expect(stages).not.toContain('inference');
    expect(cache.count()).toBe(before);
    expect(engine.queue()).toEqual([]);
    const after = await engine.read([fresh]);
    expect(after.cached).toBe(false);
    expect(cache.count()).toBe(before + 1);
  });

  it('runs queued exams one after another and shows the queue', async () => {
    const a = engine.read([exams.ok]);
    const b = engine.read([exams.axial]);
    const q = engine.queue();
    expect(q.map((e) => e.state)).toEqual(['running', 'queued']);
    expect(q[1].paths).toEqual([exams.axial]);
    await Promise.all([a, b]);
    expect(engine.queue()).toEqual([]);
  });
});
