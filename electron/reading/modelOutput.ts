import { MODEL_TASK_KEYS, modelOutputSchema, type ModelOutput } from './schema';

/** The part of an inference result (electron/api InferenceResult) a reading keeps. */
export interface InferenceResultLike {
  model: {
    id: string;
    version: string;
    sha256: string;
    name: string;
    clinicalUse: boolean;
    disclaimer: string;
  };
  tasks: { key: string; label: string; probability: number; threshold: number }[];
  completedAt: string;
}

/** Copies the model's identity and per-task probability and threshold, exactly as produced. */
export function modelOutputFromInference(res: InferenceResultLike): ModelOutput {
  const tasks = res.tasks.filter((t) => (MODEL_TASK_KEYS as readonly string[]).includes(t.key));
  return modelOutputSchema.parse({
    modelId: res.model.id,
    modelVersion: res.model.version,
    modelName: res.model.name,
    sha256: res.model.sha256,
    clinicalUse: res.model.clinicalUse,
    disclaimer: res.model.disclaimer === '' ? null : res.model.disclaimer,
    runAt: res.completedAt,
    tasks: tasks.map((t) => ({
      key: t.key,
      label: t.label,
      probability: t.probability,
      threshold: t.threshold,
    })),
  });
}
