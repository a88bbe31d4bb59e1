import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelManifest } from './manifest';
import { verifyModelFiles, type InstalledModel } from './model-store';
import { defaultProviderOrder, ProviderUnavailableError, supportedOn, type ProviderName } from './providers';

export interface SessionOptions {
  /** Providers to try, in order; default cuda -> dml -> coreml -> cpu as the platform allows. */
  providers?: ProviderName[];
  /** Intra-op threads (default: ONNX Runtime's choice, one per core). */
  threads?: number;
  /** Arena and memory-pattern off: about half the peak memory for ~10% more time (METHOD.md). */
  lowMemory?: boolean;
  /** Where provider fallbacks are reported (once per provider per process). */
  log?: (message: string) => void;
}

/** The three networks of a model, opened on one provider and kept for reuse. */
export interface OpenModel {
  model: InstalledModel;
  provider: ProviderName;
  /** the providers tried before this one, and why each failed */
  fallbacks: { provider: ProviderName; error: string }[];
  denoiseT1: ort.InferenceSession;
  denoiseStir: ort.InferenceSession;
  classifier: ort.InferenceSession;
}

// ONNX Runtime prints a provider's load failure natively before throwing it; we catch the error
// and report it once ourselves (logOnce), so its own log is limited to fatal messages.
ort.env.logLevel = 'fatal';

const loggedFailures = new Set<string>();

function logOnce(log: (m: string) => void, provider: ProviderName, error: string): void {
  const key = `${provider}:${error}`;
  if (loggedFailures.has(key)) return;
  loggedFailures.add(key);
  log(`onnxruntime: execution provider '${provider}' unavailable (${error}); trying the next one`);
}

function sessionOptions(
  provider: ProviderName,
  options: SessionOptions,
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    ...(options.lowMemory ? { enableCpuMemArena: false, enableMemPattern: false } : {}),
    logSeverityLevel: 3,
    // Idle intra-op threads sleep instead of spinning: spinning would take CPU from the window's
    // main thread (and other work) on machines with few cores, for little speed.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

function networkFiles(manifest: ModelManifest): [string, string, string] {
  const n = manifest.networks;
  return [n.denoiseT1.file, n.denoiseStir.file, n.classifier.file];
}

async function createAll(model: InstalledModel, opts: ort.InferenceSession.SessionOptions) {
  const created: ort.InferenceSession[] = [];
  try {
    for (const file of networkFiles(model.manifest)) {
      created.push(await ort.InferenceSession.create(path.join(model.dir, file), opts));
    }
    return created as [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession];
  } catch (err) {
    await Promise.all(created.map((s) => s.release()));
    throw err;
  }
}

/**
 * Verifies every model file's sha256, then opens the three networks on the first provider in
 * the order that works. onnxruntime-node throws instead of falling back when a provider's
 * libraries are missing, so each provider is tried on its own and its failure logged once.
 */
export async function openModel(model: InstalledModel, options: SessionOptions = {}): Promise<OpenModel> {
  await verifyModelFiles(model);
  const order = options.providers ?? defaultProviderOrder();
  const log = options.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const fallbacks: OpenModel['fallbacks'] = [];
  for (const provider of order) {
    if (!supportedOn(provider)) {
      fallbacks.push({ provider, error: `not available on ${process.platform}` });
      continue;
    }
    try {
      const [denoiseT1, denoiseStir, classifier] = await createAll(model, sessionOptions(provider, options));
      checkIo(model.manifest, denoiseT1, denoiseStir, classifier);
      return { model, provider, fallbacks, denoiseT1, denoiseStir, classifier };
    } catch (err) {
      if (err instanceof ModelIoError) throw err;
      const message = (err as Error).message.split('\n')[0];
      fallbacks.push({ provider, error: message });
      if (provider !== order[order.length - 1]) logOnce(log, provider, message);
    }
  }
  const tried = fallbacks.map((f) => `${f.provider}: ${f.error}`).join('; ');
  throw new ProviderUnavailableError(
    `no requested execution provider could run the model (${tried})`,
    fallbacks,
  );
}

/** The manifest names tensors the graph does not have. */
export class ModelIoError extends Error {}

function checkIo(
  manifest: ModelManifest,
  t1: ort.InferenceSession,
  stir: ort.InferenceSession,
  classifier: ort.InferenceSession,
): void {
  const n = manifest.networks;
  const expect = (session: ort.InferenceSession, file: string, inputs: string[], outputs: string[]) => {
    for (const name of inputs) {
      if (!session.inputNames.includes(name))
        throw new ModelIoError(
          `${file}: has no input '${name}' named in the manifest (inputs: ${session.inputNames.join(', ')})`,
        );
    }
    for (const name of outputs) {
      if (!session.outputNames.includes(name))
        throw new ModelIoError(
          `${file}: has no output '${name}' named in the manifest (outputs: ${session.outputNames.join(', ')})`,
        );
    }
  };
  expect(t1, n.denoiseT1.file, [n.denoiseT1.input], [n.denoiseT1.output]);
  expect(stir, n.denoiseStir.file, [n.denoiseStir.input], [n.denoiseStir.output]);
  expect(
    classifier,
    n.classifier.file,
    [n.classifier.inputs.t1, n.classifier.inputs.stir],
    [n.classifier.outputs.probabilities, n.classifier.outputs.cam],
  );
}

export async function closeModel(open: OpenModel): Promise<void> {
  await Promise.all([open.denoiseT1.release(), open.denoiseStir.release(), open.classifier.release()]);
}
