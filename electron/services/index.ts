import type { Handlers } from '../api';
import { EventBus } from './events';
import { ModelRegistry, modelHandlers } from './model-service';
import type { InferenceEngine, StudyCatalog } from './ports';
import { studyHandlers } from './study-service';
import { volumeHandlers } from './volume-service';

export interface ServiceOptions {
  catalog: StudyCatalog;
  engine: InferenceEngine | null;
  info: { version: string; transport: 'ipc' | 'loopback'; dataDir: string; openOnStart: string | null };
}

export interface AppServices {
  handlers: Handlers;
  bus: EventBus;
  models: ModelRegistry;
}

/** The API implemented over the catalog (ingest + index) and the inference engine. */
export function createServices(options: ServiceOptions): AppServices {
  const bus = new EventBus();
  const models = new ModelRegistry(options.engine, options.catalog, bus);
  const handlers: Handlers = {
    'app.info': async () => options.info,
    ...studyHandlers(options.catalog, models, bus),
    ...volumeHandlers(options.catalog),
    ...modelHandlers(models, options.engine),
  };
  return { handlers, bus, models };
}

export { EventBus } from './events';
export { intensityRange } from './intensity';
export type { StudyCatalog, InferenceEngine, CatalogStudy, ImportProgress, InferenceOutput } from './ports';
export { createRuntime, appVersion, rendererDist, type Runtime, type RuntimeOptions } from './runtime';
export { DicomCatalog } from './dicom-catalog';
