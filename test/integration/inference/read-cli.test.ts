import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

  it('refuses bad options with a usage error', async () => {
    const r = await sij(path.join(root, 'batch', 'a-ok'), '--provider', 'tpu');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown execution provider 'tpu'");
  });
});
