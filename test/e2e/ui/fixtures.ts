import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { createHash } from 'node:crypto';
import { GENERATOR_VERSION } from '../../../electron/phantom';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
export const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds renderer/dist when it is missing or older than the renderer or API sources. */
export function ensureRendererBuilt(): void {
  const index = path.join(repoRoot, 'renderer', 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(path.join(repoRoot, 'renderer', 'src')),
    newestMtime(path.join(repoRoot, 'electron', 'api')),
    statSync(path.join(repoRoot, 'renderer', 'index.html')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const r = spawnSync(
    'npx',
    ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`renderer build failed:\n${r.stdout}\n${r.stderr}`);
}

/** What made a cached exam; kept beside the exam, not in it (the exam folder is imported as it is). */
const fixtureStampFile = (dir: string): string => `${dir}.fixture.json`;
const fixtureStamp = (seed: number, extra: string[]): string =>
  JSON.stringify({ generatorVersion: GENERATOR_VERSION, seed, extra });

/** Whether `dir` holds the exam this generator version writes for these arguments. */
function phantomIsCurrent(dir: string, seed: number, extra: string[]): boolean {
  const stamp = fixtureStampFile(dir);
  if (!existsSync(path.join(dir, 'truth.json')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8') === fixtureStamp(seed, extra);
}

/** A phantom exam made by the generator (deterministic per seed and version), reused between runs
 * and made again when the generator version or the arguments change. Test files run in parallel and
 * share exams, so a new exam is written aside and moved into place whole. */
export function ensurePhantom(dir: string, seed: number, extra: string[] = []): string {
  if (phantomIsCurrent(dir, seed, extra)) return dir;
  const aside = `${dir}.tmp-${process.pid}`;
  rmSync(aside, { recursive: true, force: true });
  const r = spawnSync('node', ['bin/sij.mjs', 'phantom', '--out', aside, '--seed', String(seed), ...extra], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`phantom generation failed:\n${r.stderr}`);
  if (phantomIsCurrent(dir, seed, extra)) {
    rmSync(aside, { recursive: true, force: true });
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(aside, dir);
  writeFileSync(fixtureStampFile(dir), fixtureStamp(seed, extra));
  return dir;
}

export interface CanvasStats {
  /** Fraction of pixels brighter than near-black. */
  nonBlack: number;
  /** Fraction of pixels with visible colour (channels differ): heatmap pixels, UI accents. */
  coloured: number;
  digest: string;
  png: PNG;
}

export function canvasStats(buffer: Buffer): CanvasStats {
  const png = PNG.sync.read(buffer);
  let nonBlack = 0;
  let coloured = 0;
  const n = png.width * png.height;
  for (let p = 0; p < n; p++) {
    const r = png.data[p * 4];
    const g = png.data[p * 4 + 1];
    const b = png.data[p * 4 + 2];
    if (Math.max(r, g, b) > 16) nonBlack++;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
  }
  return {
    nonBlack: nonBlack / n,
    coloured: coloured / n,
    digest: createHash('sha1').update(png.data).digest('hex'),
    png,
  };
}

/** Pixels that differ between two same-sized screenshots, and how many of them are coloured in `after`. */
export function pixelChange(
  before: PNG,
  after: PNG,
): { changed: number; changedGrey: number; total: number } {
  let changed = 0;
  let changedGrey = 0;
  for (let p = 0; p < before.width * before.height; p++) {
    const o = p * 4;
    const diff =
      Math.abs(before.data[o] - after.data[o]) +
      Math.abs(before.data[o + 1] - after.data[o + 1]) +
      Math.abs(before.data[o + 2] - after.data[o + 2]);
    if (diff > 24) {
      changed++;
      const r = after.data[o];
      const g = after.data[o + 1];
      const b = after.data[o + 2];
      if (Math.max(r, g, b) - Math.min(r, g, b) <= 12) changedGrey++;
    }
  }
  return { changed, changedGrey, total: before.width * before.height };
}
