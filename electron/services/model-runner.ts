import path from 'node:path';
import { ApiError, taskKeys, type InferenceResult } from '../api';
import {
  CancelledError,
  InferenceEngine as Engine,
  InferenceRefusal,
  modelRoots,
  type ModelResult,
} from '../inference';
import { STORE_FILE } from '../store';
import type { DicomCatalog } from './dicom-catalog';
import type { InferenceEngine, InferenceOutput, ModelStatus } from './ports';

export interface ModelRunnerOptions {
  /** Folders holding model folders; default: the repository's models/ and <dataDir>/models. */
  roots?: string[];
  /** A model id, id@version or folder; default: the installed default model. */
  model?: string;
  dataDir?: string;
  log?: (line: string) => void;
}

function modelInfo(result: ModelResult): InferenceResult['model'] {
  return { ...result.model };
}

/** The services' model port over electron/inference's worker-thread engine. */
export class ModelRunner implements InferenceEngine {
  private readonly engine: Engine;

  constructor(
    private readonly catalog: DicomCatalog,
    private readonly options: ModelRunnerOptions = {},
  ) {
    this.engine = new Engine({
      roots: options.roots ?? modelRoots(options.dataDir),
      model: options.model,
      log: options.log,
      // Results and CAMs go to the store, keyed by the input stacks and the model hash: a study read again
      // is answered from it, and `sij report` finds the CAMs for its key images.
      cacheFile: options.dataDir ? path.join(options.dataDir, STORE_FILE) : undefined,
    });
  }

  async status(): Promise<ModelStatus> {
    try {
      const m = this.engine.resolveModel();
      return {
        available: true,
        reason: null,
        model: {
          id: m.manifest.id,
          version: m.manifest.version,
          sha256: m.sha256,
          name: m.manifest.name,
          clinicalUse: m.manifest.clinicalUse,
          disclaimer: m.manifest.disclaimer,
        },
      };
    } catch (err) {
      return { available: false, reason: err instanceof Error ? err.message : String(err), model: null };
    }
  }

  async run(
    study: { studyInstanceUid: string },
    _loadStack: unknown,
    progress: (stage: string, fraction: number) => void,
  ): Promise<InferenceOutput> {
    const paths = this.catalog.studyPaths(study.studyInstanceUid);
    let output;
    try {
      output = await this.engine.read(paths, { onProgress: (p) => progress(p.stage, p.fraction) });
    } catch (err) {
      if (err instanceof InferenceRefusal)
        throw new ApiError('unsupported', `The model cannot read this exam: ${err.message}`);
      if (err instanceof CancelledError) throw new ApiError('cancelled', 'The model run was cancelled.');
      throw new ApiError(
        'internal',
        `The model run failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const r = output.result;
    const cams: InferenceOutput['cams'] = new Map();
    for (const cam of output.cams) cams.set(`${cam.task}/${cam.sequence}`, cam.volume);
    return {
      result: {
        model: modelInfo(r),
        provider: r.provider,
        tasks: taskKeys.map((key) => ({ key, ...r.tasks[key] })),
        warnings: r.warnings,
        timingsMs: r.timingsMs,
        stacks: {
          t1: `${r.stacks.t1.seriesInstanceUid}#${r.stacks.t1.index}`,
          stir: `${r.stacks.stir.seriesInstanceUid}#${r.stacks.stir.index}`,
        },
      },
      cams,
    };
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
