// Runs an exported model's networks over a `sij dataset` folder in onnxruntime-node, as the workstation
// runs them, so a later training stage can build on exactly what the shipped networks compute
// (detector_stage.py trains a lesion detector on a denoiser's output and stacks on the classifier's logits).
// Writes <out>/<exam id>.{t1,stir}denoised.f32 and <out>/outputs.json {examId: {logits, logitsRawInput}}: the
// classifier's logit per task on the denoised volumes (the workstation's path) and on the raw ones (the
// paper's no-denoiser ablation).
// Usage: node models/training/onnx-outputs.mjs <model folder> <dataset folder> <out folder>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const [modelDir, datasetDir, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node models/training/onnx-outputs.mjs <model folder> <dataset folder> <out folder>');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(path.join(modelDir, 'manifest.json'), 'utf8'));
const dataset = JSON.parse(readFileSync(path.join(datasetDir, 'dataset.json'), 'utf8'));
const grid = dataset.grid.size;
if (grid.join() !== manifest.inputs.grid.size.join()) {
  console.error(`${datasetDir}: grid ${grid} differs from the model's ${manifest.inputs.grid.size}`);
  process.exit(1);
}
const options = { executionProviders: ['cpu'], intraOpNumThreads: 2 };
const open = (key) => ort.InferenceSession.create(path.join(modelDir, manifest.networks[key].file), options);
const [dT1, dStir, cls] = await Promise.all([open('denoiseT1'), open('denoiseStir'), open('classifier')]);
const n = grid.reduce((a, b) => a * b, 1);
const read = (file) => {
  const bytes = readFileSync(path.join(datasetDir, file));
  if (bytes.length !== n * 4) throw new Error(`${file}: ${bytes.length} bytes, expected ${n * 4}`);
  return new ort.Tensor('float32', new Float32Array(bytes.buffer, bytes.byteOffset, n).slice(), [
    1,
    1,
    ...grid,
  ]);
};
const logit = (p) => Math.log(Math.max(p, 1e-7)) - Math.log(Math.max(1 - p, 1e-7));
mkdirSync(outDir, { recursive: true });
const outputs = {};
const started = performance.now();
for (const [i, exam] of dataset.exams.entries()) {
  const raw = { t1: read(exam.files.t1), stir: read(exam.files.stir) };
  const t1 = (await dT1.run({ input: raw.t1 })).output;
  const stir = (await dStir.run({ input: raw.stir })).output;
  const denoised = (await cls.run({ t1, stir })).probabilities;
  const rawInput = (await cls.run(raw)).probabilities;
  for (const [sequence, volume] of Object.entries({ t1, stir }))
    writeFileSync(
      path.join(outDir, `${exam.id}.${sequence}denoised.f32`),
      Buffer.from(volume.data.buffer, volume.data.byteOffset, n * 4),
    );
  outputs[exam.id] = {
    logits: Array.from(denoised.data, logit),
    logitsRawInput: Array.from(rawInput.data, logit),
  };
  if ((i + 1) % 100 === 0)
    console.log(
      `${i + 1}/${dataset.exams.length} exams, ${Math.round((performance.now() - started) / 1000)} s`,
    );
}
writeFileSync(
  path.join(outDir, 'outputs.json'),
  JSON.stringify({
    model: { id: manifest.id, version: manifest.version, tasks: manifest.tasks.map((t) => t.key) },
    outputs,
  }),
);
console.log(`${dataset.exams.length} exams in ${Math.round((performance.now() - started) / 1000)} s`);
