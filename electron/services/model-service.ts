import { ApiError, type Handlers, type InferenceResult, type StudySummary } from '../api';
import type { Volume } from '../imaging/volume';
import type { EventBus } from './events';
import type { InferenceEngine, InferenceOutput, StudyCatalog } from './ports';

type ModelHandlers = Pick<
  Handlers,
  'inference.status' | 'inference.run' | 'inference.result' | 'inference.cam'
>;

/** Model results per study for this session; one run per study at a time. */
export class ModelRegistry {
  private results = new Map<string, { result: InferenceResult; cams: InferenceOutput['cams'] }>();
  private running = new Map<string, Promise<InferenceResult>>();
  private failed = new Set<string>();

  constructor(
    private readonly engine: InferenceEngine | null,
    private readonly catalog: StudyCatalog,
    private readonly bus: EventBus,
  ) {}

  statusOf(uid: string): StudySummary['modelStatus'] {
    if (this.results.has(uid)) return 'done';
    if (this.running.has(uid)) return 'running';
    return this.failed.has(uid) ? 'failed' : 'not_run';
  }

  result(uid: string): InferenceResult | null {
    return this.results.get(uid)?.result ?? null;
  }

  cam(uid: string, key: `${string}/${string}`): Volume | undefined {
    return this.results.get(uid)?.cams.get(key as never);
  }

  run(uid: string): Promise<InferenceResult> {
    const done = this.results.get(uid);
    if (done) return Promise.resolve(done.result);
    const pending = this.running.get(uid);
    if (pending) return pending;
    const job = this.execute(uid).finally(() => {
      this.running.delete(uid);
      this.bus.emit('studies.changed', { studyInstanceUid: uid });
    });
    this.running.set(uid, job);
    this.bus.emit('studies.changed', { studyInstanceUid: uid });
    return job;
  }

  private async execute(uid: string): Promise<InferenceResult> {
    if (!this.engine) {
      throw new ApiError('model_unavailable', 'No model is installed; the images can still be read.');
    }
    const study = (await this.catalog.list()).find((s) => s.studyInstanceUid === uid);
    if (!study) throw new ApiError('not_found', `Study ${uid} is not in the index; import it first.`);
    this.failed.delete(uid);
    try {
      const output = await this.engine.run(
        study,
        (stackId) => this.catalog.loadStack(uid, stackId),
        (stage, fraction) => this.bus.emit('inference.progress', { studyInstanceUid: uid, stage, fraction }),
      );
      const result: InferenceResult = {
        ...output.result,
        studyInstanceUid: uid,
        completedAt: new Date().toISOString(),
      };
      this.results.set(uid, { result, cams: output.cams });
      return result;
    } catch (err) {
      this.failed.add(uid);
      throw err;
    }
  }
}

export function modelHandlers(registry: ModelRegistry, engine: InferenceEngine | null): ModelHandlers {
  return {
    async 'inference.status'() {
      if (!engine) return { available: false, reason: 'No model is installed.', model: null };
      return engine.status();
    },
    'inference.run': ({ studyInstanceUid }) => registry.run(studyInstanceUid),
    async 'inference.result'({ studyInstanceUid }) {
      return registry.result(studyInstanceUid);
    },
    async 'inference.cam'({ studyInstanceUid, task, sequence }) {
      const cam = registry.cam(studyInstanceUid, `${task}/${sequence}`);
      if (!cam) {
        throw new ApiError('not_found', `No ${task} map for ${sequence.toUpperCase()}: run the model first.`);
      }
      let max = 0;
      for (let i = 0; i < cam.data.length; i++) if (cam.data[i] > max) max = cam.data[i];
      return {
        task,
        sequence,
        dims: cam.dims,
        spacing: cam.spacing,
        affine: cam.affine,
        data: cam.data,
        max,
      };
    },
  };
}
