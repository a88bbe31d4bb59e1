import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DicomCatalog } from './dicom-catalog';
import { createServices, type AppServices } from './index';
import { ModelRunner, type ModelRunnerOptions } from './model-runner';

export interface RuntimeOptions {
  dataDir: string;
  transport: 'ipc' | 'loopback';
  /** An exam to import and open on start (`--open`). */
  openPath?: string | null;
  /** The model to run: options for the default engine, or false for none (tests of the UI alone). */
  model?: ModelRunnerOptions | false;
  log?: (line: string) => void;
  /** Folders the browser-mode folder chooser may list (see file-service.ts). */
  browseRoots?: string[];
}

export interface Runtime {
  services: AppServices;
  catalog: DicomCatalog;
  /** Study opened on start, when `openPath` was given and readable. */
  openStudyUid: string | null;
  close(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/** Wires the catalog, the inference engine and the services for either transport. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? (() => {});
  const catalog = new DicomCatalog(options.dataDir);
  catalog.restore(log);
  let openStudyUid: string | null = null;
  if (options.openPath) {
    const report = await catalog.importPaths([options.openPath], () => {});
    openStudyUid = report.studies[0] ?? null;
    if (!openStudyUid) log(`nothing readable in ${options.openPath}`);
    if (report.skipped.length)
      log(`${report.skipped.length} file(s) in ${options.openPath} are not DICOM images and were skipped`);
  }
  const info = {
    version: appVersion(),
    transport: options.transport,
    dataDir: options.dataDir,
    openOnStart: openStudyUid,
  };
  const engine =
    options.model === false
      ? null
      : new ModelRunner(catalog, { dataDir: options.dataDir, log, ...options.model });
  const services = createServices({ catalog, engine, info, browseRoots: options.browseRoots });
  if (openStudyUid && engine && (await engine.status()).available) {
    // Run the model in the background; the UI shows progress and picks the result up.
    services.models
      .run(openStudyUid)
      .catch((err: unknown) => log(`model run failed: ${err instanceof Error ? err.message : String(err)}`));
  }
  return {
    services,
    catalog,
    openStudyUid,
    close: async () => {
      await engine?.close();
      services.close();
      await catalog.close();
    },
  };
}

export const rendererDist = path.join(repoRoot, 'renderer', 'dist');
