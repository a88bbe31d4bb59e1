import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

describe('Electron bundles (dist/electron)', () => {
  it('writes the main loader and a sandbox-safe preload that requires nothing but electron', () => {
    const r = spawnSync('node', ['build/build-electron.mjs'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const preload = readFileSync(path.join(root, 'dist/electron/preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld("sijApi"');
    const loader = readFileSync(path.join(root, 'dist/electron/main.cjs'), 'utf8');
    expect(loader).toContain("require('tsx/esm/api').register()");
    expect(loader).toContain("'electron', 'main.ts'");
    const main = ['electron/main.ts', 'electron/ipc/security.ts']
      .map((f) => readFileSync(path.join(root, f), 'utf8'))
      .join('\n');
    for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false']) {
      expect(main).toContain(setting);
    }
    expect(main).toContain('setWindowOpenHandler');
    expect(main).toContain('will-navigate');
  });
});
