import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Runs one R script (R's pROC and stats are the independent reference for these tests) and parses
 * its output lines "key v1 v2 ..." into numbers. R is a declared dependency
 * (build/debian-packages.txt: r-base-core, r-cran-proc): its absence is a failure, not a skip.
 */
/** Asynchronous, so the test worker keeps answering vitest while R runs. */
export async function runR(
  script: string,
  files: Record<string, string> = {},
): Promise<Map<string, number[]>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sij-analysis-r-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const scriptPath = path.join(dir, 'reference.R');
  writeFileSync(scriptPath, script);
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      'Rscript',
      ['--vanilla', scriptPath],
      { cwd: dir, encoding: 'utf8', timeout: 180_000 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(
            new Error(
              'Rscript not found: the statistics tests need R with pROC (Debian r-base-core, r-cran-proc; see build/debian-packages.txt)',
            ),
          );
        }
        reject(new Error(`Rscript failed on ${scriptPath}: ${stderr || err.message}`));
      },
    );
  });
  const values = new Map<string, number[]>();
  for (const line of out.split('\n')) {
    const [key, ...rest] = line.trim().split(/\s+/);
    if (key) values.set(key, rest.map(parseRNumber));
  }
  return values;
}

function parseRNumber(text: string): number {
  if (text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function need(values: Map<string, number[]>, key: string): number[] {
  const v = values.get(key);
  if (!v) throw new Error(`R printed no value for '${key}'`);
  return v;
}
