/**
 * The one contract between renderer and main. Each feature file exports `methods` and `events`;
 * adding a feature is one import and one entry in `features`.
 */
import type { z } from 'zod';
import * as app from './app';
import * as studies from './studies';
import * as volumes from './volumes';
import * as inference from './inference';
import * as reading from './reading';
import * as compare from './compare';
import * as files from './files';

const features = { app, studies, volumes, inference, reading, compare, files };

type Features = typeof features;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

export type Methods = UnionToIntersection<Features[keyof Features]['methods']>;
export type Events = UnionToIntersection<Features[keyof Features]['events']>;
export type MethodName = keyof Methods & string;
export type EventName = keyof Events & string;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methods = Object.assign({}, ...Object.values(features).map((f) => f.methods)) as Methods;
export const events = Object.assign({}, ...Object.values(features).map((f) => f.events)) as Events;

export * from './contract';
export {
  stackSummarySchema,
  studySummarySchema,
  importReportSchema,
  sequenceRoles,
  modelStatuses,
  readingStatuses,
  type StackSummary,
  type StudySummary,
  type ImportReport,
  type SequenceRole,
} from './studies';
export { volumeSchema, type VolumePayload } from './volumes';
export { folderListingSchema, UPLOAD_CHUNK_BYTES, type FolderListing } from './files';
export {
  taskKeys,
  camSequences,
  inferenceResultSchema,
  taskResultSchema,
  camSchema,
  heatmapNote,
  heatmapName,
  heatmapLegend,
  heatmapScaleTop,
  heatmapScalesAgree,
  type HeatmapKind,
  type HeatmapKinds,
  type HeatmapOnLesion,
  type TaskKey,
  type TaskResult,
  type InferenceResult,
  type CamPayload,
} from './inference';
export { createDispatcher, type Handlers, type Dispatcher } from './dispatch';
export { encodeMessage, decodeMessage } from './wire';
export type { ApiClient, Transport } from './client';
export { createApiClient } from './client';
