// `npm start`: the reading workstation with the sample study ready. Launches Electron where its
// binary is installed; otherwise (offline machines: its download host is unreachable) serves the
// same UI on 127.0.0.1 and opens it in Chromium's app mode, or prints the URL when there is no display.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dataDir = process.env.SIJ_DATA_DIR ?? path.join(os.homedir(), '.local', 'share', 'sij-reader');
const sample = path.join(dataDir, 'sample-exam');
const say = (line) => process.stdout.write(`${line}\n`);

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return t;
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`npm start: ${what} failed (exit ${r.status}).\n`);
    process.exit(1);
  }
}

function ensureRenderer() {
  const index = path.join(root, 'renderer', 'dist', 'index.html');
  const sources = Math.max(
    newest(path.join(root, 'renderer', 'src')),
    newest(path.join(root, 'electron', 'api')),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  say('Building the user interface (first start or after changes, about a minute)…');
  run(
    'npx',
    ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'],
    'building the renderer',
  );
}

function ensureSample() {
  if (existsSync(path.join(sample, 'truth.json'))) return;
  say(`Generating the sample study into ${sample} (first start only)…`);
  run('node', ['bin/sij.mjs', 'phantom', '--out', sample, '--seed', '1'], 'generating the sample study');
}

function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function startElectron(binary) {
  run('node', ['build/build-electron.mjs'], 'bundling the Electron main process');
  const child = spawn(binary, ['.', '--open', sample], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function startBrowserMode() {
  say(
    'Electron binary not installed here (offline machine); opening SIJ Reader in Chromium app mode instead.',
  );
  const server = spawn('node', ['bin/sij.mjs', 'serve', '--data-dir', dataDir, '--open', sample], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: server.stdout });
  const url = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`sij serve exited with ${code} before printing its URL`)));
  });
  const stop = () => server.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const chromium = process.env.SIJ_CHROMIUM ?? '/usr/bin/chromium';
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    say('No display ($DISPLAY is unset), so no window can open. Open this URL in a browser on this machine:');
    say(url);
    say('Ctrl+C stops the server.');
  } else if (!existsSync(chromium)) {
    say(`Chromium not found at ${chromium}; open this URL in a browser on this machine:`);
    say(url);
  } else {
    const args = [
      `--app=${url}`,
      `--user-data-dir=${path.join(dataDir, 'chromium-profile')}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--window-size=1440,900',
    ];
    // Chromium refuses to start as root with its sandbox on; the page itself stays sandboxed by CSP.
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    const browser = spawn(chromium, args, { stdio: 'ignore' });
    browser.on('exit', stop);
    say(
      `SIJ Reader is open in Chromium (${url.replace(/token=.*/, 'token=…')}). Closing the window stops it.`,
    );
  }
  server.on('exit', (code) => process.exit(code ?? 0));
}

ensureRenderer();
ensureSample();
const binary = electronBinary();
if (binary) startElectron(binary);
else await startBrowserMode();
