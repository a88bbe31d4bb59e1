import * as ort from 'onnxruntime-node';
import type { OpenModel } from './sessions';

export interface NetworkOutputs {
  denoisedT1: Float32Array;
  denoisedStir: Float32Array;
  /** per task, in manifest task order */
  probabilities: number[];
  /** ReLU'd Grad-CAM [task][sequence][z][y][x] at feature resolution */
  cam: Float32Array;
  /** [tasks, sequences, d, h, w] */
  camShape: [number, number, number, number, number];
  timingsMs: { denoiseT1: number; denoiseStir: number; classifier: number };
}

function shapeOf(size: readonly [number, number, number]): number[] {
  return [1, 1, size[0], size[1], size[2]];
}

async function denoise(
  session: ort.InferenceSession,
  io: { input: string; output: string },
  data: Float32Array,
  size: readonly [number, number, number],
  file: string,
): Promise<Float32Array> {
  const out = await session.run({ [io.input]: new ort.Tensor('float32', data, shapeOf(size)) });
  const tensor = out[io.output];
  if (!tensor || tensor.type !== 'float32' || tensor.data.length !== data.length) {
    throw new Error(`${file}: output '${io.output}' is not a float32 [1,1,${size.join(',')}] tensor`);
  }
  return tensor.data as Float32Array;
}

/** Denoise each sequence, then classify the denoised pair: the model's forward pass, timed per network. */
export async function runNetworks(
  open: OpenModel,
  t1: Float32Array,
  stir: Float32Array,
  size: readonly [number, number, number],
): Promise<NetworkOutputs> {
  const n = open.model.manifest.networks;
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
  const denoisedT1 = await denoise(open.denoiseT1, n.denoiseT1, t1, size, n.denoiseT1.file);
  const denoiseT1Ms = lap();
  const denoisedStir = await denoise(open.denoiseStir, n.denoiseStir, stir, size, n.denoiseStir.file);
  const denoiseStirMs = lap();
  const { probabilities, cam, camShape } = await classify(open, denoisedT1, denoisedStir, size);
  const classifierMs = lap();
  return {
    denoisedT1,
    denoisedStir,
    probabilities,
    cam,
    camShape,
    timingsMs: { denoiseT1: denoiseT1Ms, denoiseStir: denoiseStirMs, classifier: classifierMs },
  };
}

/** The classifier on a denoised pair: per-task probabilities and the Grad-CAM at feature resolution. */
export async function classify(
  open: OpenModel,
  t1: Float32Array,
  stir: Float32Array,
  size: readonly [number, number, number],
): Promise<Pick<NetworkOutputs, 'probabilities' | 'cam' | 'camShape'>> {
  const n = open.model.manifest.networks;
  const out = await open.classifier.run({
    [n.classifier.inputs.t1]: new ort.Tensor('float32', t1, shapeOf(size)),
    [n.classifier.inputs.stir]: new ort.Tensor('float32', stir, shapeOf(size)),
  });
  const probs = out[n.classifier.outputs.probabilities];
  const cam = out[n.classifier.outputs.cam];
  const tasks = open.model.manifest.tasks.length;
  if (!probs || probs.data.length !== tasks) {
    throw new Error(
      `${n.classifier.file}: output '${n.classifier.outputs.probabilities}' must hold ${tasks} probabilities`,
    );
  }
  if (!cam || cam.dims.length !== 6 || cam.dims[1] !== tasks || cam.dims[2] !== 2) {
    throw new Error(
      `${n.classifier.file}: output '${n.classifier.outputs.cam}' must be [1, ${tasks}, 2, d, h, w] (got [${cam?.dims.join(', ')}])`,
    );
  }
  const [, , , d, h, w] = cam.dims;
  return {
    probabilities: Array.from(probs.data as Float32Array),
    cam: cam.data as Float32Array,
    camShape: [tasks, 2, d, h, w],
  };
}

/** First inference allocates and tunes kernels; run it on zeros at load so the first exam is not slower. */
export async function warmUp(open: OpenModel): Promise<number> {
  const started = performance.now();
  const size = open.model.manifest.inputs.grid.size;
  const zeros = new Float32Array(size[0] * size[1] * size[2]);
  await runNetworks(open, zeros, zeros, size);
  return performance.now() - started;
}
