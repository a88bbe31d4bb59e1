import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { getReading, listReadings, readingAudit } from '../../../electron/reading';
import { openReadingDb } from './db';

const childSource = path.join(import.meta.dirname, 'crashChild.ts');
// Bundled once so each of the many child starts costs ~0.1 s instead of a tsx transpile; it sits
// inside the repository so its packages (left external) resolve from node_modules.
const childDir = path.resolve(import.meta.dirname, '../../../test-output/reading-crash');
const child = path.join(childDir, 'crashChild.mjs');
const KILLS = 15;

beforeAll(async () => {
  mkdirSync(childDir, { recursive: true });
  await build({
    entryPoints: [childSource],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: child,
    logLevel: 'error',
  });
});

interface ChildLog {
  committed: { version: number; n: number }[];
  signed: { version: number; n: number }[];
}

/** Runs the saving child and SIGKILLs it at a random moment after its first commits. */
function runAndKill(dbFile: string, runId: number, delayMs: number): Promise<ChildLog> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dbFile, String(runId)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SIJ_READING_MIGRATION: path.resolve(
          import.meta.dirname,
          '../../../electron/store/migrations/0100-reading.sql',
        ),
      },
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | null = null;
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (timer === null && out.includes('ready')) timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
    });
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child ended by itself (code ${code}): ${err}`));
      const log: ChildLog = { committed: [], signed: [] };
      for (const line of out.split('\n')) {
        const m = /^(committed|signed) (\d+) (\d+)$/.exec(line);
        if (m) log[m[1] as 'committed' | 'signed'].push({ version: Number(m[2]), n: Number(m[3]) });
      }
      resolve(log);
    });
  });
}

describe('crash safety', () => {
  it(`loses nothing committed and never half-writes across ${KILLS} SIGKILLs mid-save`, async () => {
    const dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sij-crash-')), 'store.db');
    openReadingDb(dbFile).close();
    let totalCommits = 0;
    for (let run = 0; run < KILLS; run++) {
      const log = await runAndKill(dbFile, run, 20 + Math.floor(Math.random() * 250));
      totalCommits += log.committed.length;
      const db = openReadingDb(dbFile);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        // every stored version of every run parses, passes its checksum and is a whole reading
        for (const s of listReadings(db)) {
          const r = getReading(db, s.readingId, s.version);
          expect(r.status === 'signed').toBe(r.signer !== null && r.signedAt !== null);
          const lastComment = readingAudit(db, s.readingId)
            .filter((a) => a.version <= s.version && a.path === 'comment')
            .at(-1);
          // document and audit commit together: the audit's last "to" is the document's value
          expect(lastComment?.to ?? '').toBe(r.comment);
        }
        // everything the child reported as committed is there
        const readingId = `crash-${run}`;
        const last = log.committed.at(-1);
        if (last) {
          const stored = getReading(db, readingId, last.version);
          expect(Number(/^save (\d+)/.exec(stored.comment)?.[1] ?? 0)).toBeGreaterThanOrEqual(last.n);
        }
        for (const s of log.signed) expect(getReading(db, readingId, s.version).status).toBe('signed');
      } finally {
        db.close();
      }
    }
    expect(totalCommits).toBeGreaterThan(KILLS);
  }, 120_000);
});
