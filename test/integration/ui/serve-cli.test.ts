import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

describe('sij serve', () => {
  it('prints the URL with its token as the first stdout line and refuses requests without it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sij-serve-'));
    const child = spawn('node', ['bin/sij.mjs', 'serve', '--port', '0', '--data-dir', dataDir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
      const url = new URL(first);
      const api = `${url.origin}/api`;
      const body = JSON.stringify({ id: 1, method: 'studies.list', params: {} });
      expect((await fetch(api, { method: 'POST', body })).status).toBe(401);
      const ok = await fetch(api, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${url.searchParams.get('token')}` },
      });
      expect(await ok.json()).toEqual({ id: 1, result: [] });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects bad flags with a usage message and exit code 2', async () => {
    const child = spawn('node', ['bin/sij.mjs', 'serve', '--port', 'abc'], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain("--port must be 0-65535, got 'abc'");
  });
});
