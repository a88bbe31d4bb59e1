// Bundles the Electron main process and the sandboxed preload into dist/electron/ (CommonJS, as
// package.json "main" says). npm packages stay external: electron-builder ships node_modules.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'electron');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  absWorkingDir: root,
};

// dist/electron/ sits two levels below the root like electron/<module>/, so paths that modules
// derive from their own file URL (renderer/dist, models/) resolve to the same places.
await build({
  ...common,
  entryPoints: { main: 'electron/main.ts' },
  outExtension: { '.js': '.cjs' },
  outdir,
  packages: 'external',
  define: { 'import.meta.url': '__sijImportMetaUrl', 'import.meta.dirname': '__dirname' },
  banner: { js: "const __sijImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The sandboxed preload may require only 'electron': everything else is inlined.
await build({
  ...common,
  entryPoints: { preload: 'electron/preload.ts' },
  outExtension: { '.js': '.cjs' },
  outdir,
  external: ['electron'],
});

process.stdout.write(`bundled ${path.relative(root, outdir)}/main.cjs and preload.cjs\n`);
