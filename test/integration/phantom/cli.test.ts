import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateExam, PROFILES } from '../../../electron/phantom';

const root = mkdtempSync(path.join(tmpdir(), 'sij-phantom-cli-'));
/** Run the CLI without blocking the test worker's event loop (vitest talks to it meanwhile). */
function sij(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/sij.mjs', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}
const breathe = (): Promise<void> => new Promise((r) => setImmediate(r));

interface InspectStack {
  role: string;
  semicoronal: boolean;
}
interface InspectSeries {
  description: string;
  stacks: InspectStack[];
}

/** One `sij inspect` over every exam (CLI start-up is the slow part), series grouped by patient id. */
let inspected: Map<string, InspectSeries[]>;

beforeAll(async () => {
  for (const [n, p] of PROFILES.entries()) {
    generateExam(path.join(root, 'profiles', p.name), {
      seed: 100 + n,
      profile: p.name,
      maxMatrix: 64,
      examId: p.name,
    });
    await breathe();
  }
  generateExam(path.join(root, 'missing'), {
    seed: 5,
    errorCase: 'missing_stir',
    maxMatrix: 64,
    examId: 'missing',
  });
  generateExam(path.join(root, 'axial'), {
    seed: 6,
    errorCase: 'axial_only',
    maxMatrix: 64,
    examId: 'axial',
  });
  const r = await sij('inspect', root, '--json');
  expect(r.status, r.stderr).toBe(0);
  const studies = (JSON.parse(r.stdout) as { studies: { patientId: string; series: InspectSeries[] }[] })
    .studies;
  inspected = new Map(studies.map((s) => [s.patientId, s.series]));
  // Generous: CLI start-up (tsx + every command module) is slow on a shared, loaded CPU.
}, 300_000);

describe('sij inspect on phantom exams', () => {
  it.each(PROFILES.map((p) => p.name))(
    'assigns T1 and STIR roles and semicoronal orientation (%s)',
    (name) => {
      const series = inspected.get(name) ?? [];
      expect(series).toHaveLength(2);
      const truth = JSON.parse(readFileSync(path.join(root, 'profiles', name, 'truth.json'), 'utf8'));
      const byRole = Object.fromEntries(series.map((s) => [s.stacks[0].role, s]));
      expect(Object.keys(byRole).sort()).toEqual(['stir', 't1']);
      expect(byRole.t1.description).toBe(truth.seriesDetails.t1.description);
      expect(byRole.stir.description).toBe(truth.seriesDetails.stir.description);
      for (const s of series) expect(s.stacks[0].semicoronal).toBe(true);
    },
  );
  it('error cases: a missing STIR and an axial-only exam are visible as such', () => {
    const missing = inspected.get('missing') ?? [];
    expect(missing.map((s) => s.stacks[0].role)).toEqual(['t1']);
    expect(existsSync(path.join(root, 'missing', 'STIR'))).toBe(false);
    const axial = inspected.get('axial') ?? [];
    expect(axial).toHaveLength(2);
    for (const s of axial) expect(s.stacks[0].semicoronal).toBe(false);
    expect(JSON.parse(readFileSync(path.join(root, 'axial', 'truth.json'), 'utf8')).errorCase).toBe(
      'axial_only',
    );
  });
});

describe('sij phantom / phantom-set', () => {
  it('phantom-set writes one folder per exam, a manifest and statistics', { timeout: 300_000 }, async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sij-phantom-set-'));
    const r = await sij(
      'phantom-set',
      '--out',
      out,
      '--n',
      '4',
      '--site',
      'delta',
      '--seed',
      '3',
      '--max-matrix',
      '64',
      '--stats',
    );
    expect(r.status, r.stderr).toBe(0);
    const rows = readFileSync(path.join(out, 'manifest.csv'), 'utf8').trim().split('\n');
    expect(rows[0].split(',').slice(0, 6)).toEqual([
      'exam_id',
      'site',
      'profile',
      'active_inflammation',
      'asas_bme',
      'structural',
    ]);
    expect(rows).toHaveLength(5);
    for (const row of rows.slice(1)) {
      const [id, site, , a, b, c] = row.split(',');
      expect(site).toBe('delta');
      const truth = JSON.parse(readFileSync(path.join(out, id, 'truth.json'), 'utf8'));
      expect([a, b, c]).toEqual(
        [truth.labels.active_inflammation, truth.labels.asas_bme, truth.labels.structural].map(
          (x: boolean) => (x ? '1' : '0'),
        ),
      );
    }
    expect(r.stdout).toContain('site delta: 4 exams');
    expect(r.stdout).toContain('prevalence (rules)');
    expect(existsSync(path.join(out, 'stats.json'))).toBe(true);
  });
  it('bad input gives a usage error naming the problem', { timeout: 300_000 }, async () => {
    const r = await sij('phantom-set', '--out', path.join(root, 'x'), '--n', '2', '--site', 'nowhere');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown site 'nowhere'");
    const f = await sij('phantom', '--out', path.join(root, 'y'), '--findings', 'bme:middle');
    expect(f.status).toBe(2);
    expect(f.stderr).toContain('joint must be left or right');
    const flag = await sij('phantom', '--out', path.join(root, 'z'), '--bogus', '1');
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--bogus'");
    const stray = await sij('phantom-set', '--out', path.join(root, 'z'), '--stats', 'extra');
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain("unexpected argument 'extra'");
    const missing = await sij('phantom-set', '--out');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("'--out <value>' argument missing");
  });
});
