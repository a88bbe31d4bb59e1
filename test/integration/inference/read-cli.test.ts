import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(new URL(import.meta.url).pathname);
const MODEL = 'test/fixtures/models/random-small';

/** Runs `sij read` without blocking the test thread (vitest's RPC must stay answerable). */
function sij(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/sij.mjs', 'read', ...args], { encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('sij read (CLI)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'read-cli-'));
    execFileSync('/usr/bin/python3', [
      path.join(here, 'make_exam.py'),
      path.join(root, 'batch', 'a-ok'),
      '--lesion',
    ]);
    execFileSync('/usr/bin/python3', [
      path.join(here, 'make_exam.py'),
      path.join(root, 'batch', 'b-no-stir'),
      '--sequences',
      't1',
    ]);
  });

  it('--json prints exactly the documented shape', async () => {
    const r = await sij(
      path.join(root, 'batch', 'a-ok'),
      '--model',
      MODEL,
      '--json',
      '--provider',
      'cpu',
      '--threads',
      '2',
    );
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['model', 'provider', 'tasks', 'warnings', 'timingsMs']);
    expect(Object.keys(json.model)).toEqual(['id', 'version', 'sha256']);
    expect(json.provider).toBe('cpu');
    expect(Object.keys(json.tasks)).toEqual(['active_inflammation', 'asas_bme', 'structural']);
    for (const t of Object.values(json.tasks) as {
      probability: number;
      threshold: number;
      positive: boolean;
    }[]) {
      expect(Object.keys(t)).toEqual(['probability', 'threshold', 'positive']);
      expect(t.positive).toBe(t.probability >= t.threshold);
    }
    expect(json.timingsMs.total).toBeGreaterThan(0);
  }, 120_000);

  it('--batch writes one CSV row per exam, with the refusal reason for the one it cannot read', async () => {
    const out = path.join(root, 'results.csv');
    const r = await sij(
      '--batch',
      path.join(root, 'batch'),
      '--out',
      out,
      '--model',
      MODEL,
      '--provider',
      'cpu',
    );
    expect(r.status, r.stderr).toBe(0);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header.split(',').slice(0, 7)).toEqual([
      'exam',
      'folder',
      'status',
      'model_id',
      'model_version',
      'model_sha256',
      'provider',
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^a-ok,.*,ok,random-small,0\.1\.0,[0-9a-f]{64},cpu,/);
    expect(rows[1]).toMatch(
      /^b-no-stir,.*,error,.*no fluid-sensitive fat-suppressed \(STIR\/TIRM\) series found/,
    );
    expect(r.stderr).toMatch(/\[1\/2\] a-ok: inference/);
  }, 180_000);

  it('--data-dir keeps the result in that workstation store: the second read is the cached one', async () => {
    const dataDir = path.join(root, 'workstation');
    const exam = path.join(root, 'batch', 'a-ok');
    const args = [exam, '--model', MODEL, '--provider', 'cpu', '--data-dir', dataDir];
    const probabilities = (stdout: string) =>
      stdout.match(/^(active_inflammation|asas_bme|structural) .*$/gm);
    const first = await sij(...args);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).not.toContain('(cached result)');
    const second = await sij(...args);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^provider {2}cpu \(cached result\)$/m);
    expect(probabilities(second.stdout)).toHaveLength(3);
    expect(probabilities(second.stdout)).toEqual(probabilities(first.stdout));

    const db = new Database(path.join(dataDir, 'sij.db'), { readonly: true });
    try {
      // Created as the app creates it: every store migration recorded, not only the results tables.
      const applied = (
        db.prepare('SELECT name FROM schema_migrations ORDER BY name').all() as { name: string }[]
      ).map((r) => r.name);
      expect(applied).toEqual(
        readdirSync('electron/store/migrations')
          .filter((f) => f.endsWith('.sql'))
          .sort(),
      );
      const results = db
        .prepare('SELECT cache_key, study_instance_uid, cam_count FROM inference_results')
        .all() as {
        cache_key: string;
        study_instance_uid: string;
        cam_count: number;
      }[];
      expect(results).toHaveLength(1);
      expect(results[0].study_instance_uid).toMatch(/^[0-9.]+$/);
      const cams = db
        .prepare('SELECT COUNT(*) AS n FROM inference_cams WHERE cache_key = ?')
        .get(results[0].cache_key) as {
        n: number;
      };
      expect(results[0].cam_count).toBe(6); // 3 tasks x (T1, STIR)
      expect(cams.n).toBe(results[0].cam_count);
    } finally {
      db.close();
    }
  }, 180_000);

  it('--cam writes one NIfTI per task and sequence and says which maps are not Grad-CAM', async () => {
    for (const model of [MODEL, 'models/sij-demo-synthetic']) {
      const dir = path.join(root, `cam-${path.basename(model)}`);
      const r = await sij(path.join(root, 'batch', 'a-ok'), '--model', model, '--cam', dir);
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(dir).filter((f) => f.endsWith('.nii.gz'))).toHaveLength(6);
      // what the model's own manifest declares, counted over its tasks and both sequences
      const manifest = JSON.parse(readFileSync(path.join(model, 'manifest.json'), 'utf8')) as {
        tasks: { heatmaps?: Record<string, string> }[];
      };
      const lesion = manifest.tasks
        .flatMap((t) => Object.values(t.heatmaps ?? {}))
        .filter((k) => k === 'lesion-probability').length;
      expect(r.stderr).toContain(
        `heat maps: 6 NIfTI files in ${dir} ` +
          (lesion ? `(${lesion} lesion probability, ${6 - lesion} Grad-CAM)` : '(Grad-CAM)'),
      );
    }
  }, 120_000);

  it('refuses bad options with a usage error', async () => {
    const r = await sij(path.join(root, 'batch', 'a-ok'), '--provider', 'tpu');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown execution provider 'tpu'");
    const file = path.resolve(MODEL, 'manifest.json'); // a file, not a folder
    const notAFolder = await sij(path.join(root, 'batch', 'a-ok'), '--data-dir', path.join(file, 'store'));
    expect(notAFolder.status).toBe(2);
    expect(notAFolder.stderr).toContain(
      `cannot open the workstation database ${path.join(file, 'store', 'sij.db')}`,
    );
  });
});
