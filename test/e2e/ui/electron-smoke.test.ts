import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ensurePhantom, ensureRendererBuilt, repoRoot } from './fixtures';

function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  process.stdout.write(
    'electron-smoke: SKIPPED: the Electron binary is not installed (offline machine; its download host is unreachable).\n',
  );
}

describe.skipIf(!binary)('Electron shell (Playwright _electron)', () => {
  it('opens the window, loads the exam over IPC and shows the scores panel', async () => {
    ensureRendererBuilt();
    expect(spawnSync('node', ['build/build-electron.mjs'], { cwd: repoRoot }).status).toBe(0);
    const exam = ensurePhantom(path.join(repoRoot, 'test-output', 'e2e-ui', 'exam-seed1'), 1);
    const userData = mkdtempSync(path.join(tmpdir(), 'sij-electron-'));
    const app = await _electron.launch({
      executablePath: binary!,
      args: ['.', `--user-data-dir=${userData}`, '--open', exam],
      cwd: repoRoot,
    });
    try {
      const window = await app.firstWindow();
      // The IPC bridge exists and nothing of Node leaks into the page.
      expect(await window.evaluate(() => typeof (window as unknown as { sijApi?: unknown }).sijApi)).toBe(
        'object',
      );
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      await window.getByTestId('view-t1-native').waitFor({ timeout: 60_000 });
      await window.getByText('Second reader (model)').waitFor();
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
