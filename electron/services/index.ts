import path from 'node:path';
import type { Handlers } from '../api';
import { compareHandlers } from '../compare';
import { listReadings, localReaderProfile, readingHandlers, studyReadingStatus } from '../reading';
import { openStore, STORE_FILE } from '../store';
import { EventBus } from './events';
import { fileHandlers } from './file-service';
import { ModelRegistry, modelHandlers } from './model-service';
import type { InferenceEngine, StudyCatalog } from './ports';
import { studyHandlers } from './study-service';
import { volumeHandlers } from './volume-service';

export interface ServiceOptions {
  catalog: StudyCatalog;
  engine: InferenceEngine | null;
  info: { version: string; transport: 'ipc' | 'loopback'; dataDir: string; openOnStart: string | null };
  /** Folders the browser-mode folder chooser may list; default: home and SIJ_BROWSE_ROOTS. */
  browseRoots?: string[];
}

export interface AppServices {
  handlers: Handlers;
  bus: EventBus;
  models: ModelRegistry;
  /** Closes the workstation database. */
  close(): void;
}

/**
 * The API implemented over the catalog (ingest + index), the inference engine and the workstation
 * database (readings, audit, imported readings) in the data directory.
 */
export function createServices(options: ServiceOptions): AppServices {
  const { catalog, info } = options;
  const bus = new EventBus();
  const models = new ModelRegistry(options.engine, catalog, bus);
  const db = openStore(path.join(info.dataDir, STORE_FILE));
  const handlers: Handlers = {
    'app.info': async () => info,
    ...studyHandlers(catalog, models, bus, (uid) =>
      studyReadingStatus(listReadings(db, { studyInstanceUid: uid }).map((r) => r.state)),
    ),
    ...volumeHandlers(catalog),
    ...fileHandlers(info.dataDir, options.browseRoots),
    ...modelHandlers(models, options.engine),
    ...readingHandlers({
      db,
      dataDir: info.dataDir,
      findStudy: async (uid) => catalog.findStudy(uid),
      modelResult: async (uid) => models.result(uid),
      emit: (payload) => bus.emit('reading.changed', payload),
    }),
    ...compareHandlers({
      db,
      reader: () => localReaderProfile(info.dataDir),
      localExams: async () => catalog.localExams(),
    }),
  };
  return { handlers, bus, models, close: () => db.close() };
}

export { EventBus } from './events';
export { intensityRange } from './intensity';
export type { StudyCatalog, InferenceEngine, CatalogStudy, ImportProgress, InferenceOutput } from './ports';
export { createRuntime, appVersion, rendererDist, type Runtime, type RuntimeOptions } from './runtime';
export { DicomCatalog } from './dicom-catalog';
