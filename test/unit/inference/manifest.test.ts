import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chooseModel,
  defaultProviderOrder,
  listModels,
  loadModelFolder,
  ManifestError,
  ModelIntegrityError,
  openModel,
  parseProviderList,
  ProviderUnavailableError,
  verifyModelFiles,
} from '../../../electron/inference';

const FIXTURE = path.resolve('test/fixtures/models/random-small');

function copyModel(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'model-')), 'random-small');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe('model manifest and files', () => {
  it("accepts the model engineer's random-small manifest and its files", async () => {
    const model = loadModelFolder(FIXTURE);
    expect(model.manifest.id).toBe('random-small');
    expect(model.manifest.tasks.map((t) => t.key)).toEqual(['active_inflammation', 'asas_bme', 'structural']);
    await expect(verifyModelFiles(model)).resolves.toBeUndefined();
  });

  it('refuses a manifest that breaks the schema, naming the file and each problem', () => {
    const dir = copyModel();
    const file = path.join(dir, 'manifest.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.schema = 'sij-model-manifest/2';
    json.tasks[0].threshold = 1.5;
    delete json.networks.classifier.sha256;
    writeFileSync(file, JSON.stringify(json));
    let error: Error | undefined;
    try {
      loadModelFolder(dir);
    } catch (err) {
      error = err as Error;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error!.message).toContain(file);
    expect(error!.message).toContain('schema:');
    expect(error!.message).toContain('tasks.0.threshold:');
    expect(error!.message).toContain('networks.classifier.sha256:');
  });

  it('refuses a path that leaves the model folder', () => {
    const dir = copyModel();
    const file = path.join(dir, 'manifest.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.networks.denoiseT1.file = '../../etc/passwd';
    writeFileSync(file, JSON.stringify(json));
    expect(() => loadModelFolder(dir)).toThrow(
      /networks\.denoiseT1\.file: must be a path inside the model folder/,
    );
  });

  it('refuses a tampered network file before any session is created, naming it', async () => {
    const dir = copyModel();
    const onnx = path.join(dir, 'classifier.onnx');
    const bytes = readFileSync(onnx);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(onnx, bytes);
    const model = loadModelFolder(dir);
    await expect(openModel(model, { providers: ['cpu'] })).rejects.toThrow(
      new RegExp(
        `${onnx.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: sha256 [0-9a-f]{64} does not match the manifest`,
      ),
    );
    await expect(verifyModelFiles(model)).rejects.toBeInstanceOf(ModelIntegrityError);
  });

  it('refuses a partial model (a listed file missing)', async () => {
    const dir = copyModel();
    const golden = path.join(dir, 'golden', 'cam.f32');
    writeFileSync(golden, Buffer.alloc(0));
    await expect(verifyModelFiles(loadModelFolder(dir))).rejects.toThrow(`${golden}: sha256`);
  });

  it('lists several installed models, picks the default or the named one', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'models-'));
    cpSync(FIXTURE, path.join(root, 'a'), { recursive: true });
    const other = path.join(root, 'b');
    cpSync(FIXTURE, other, { recursive: true });
    const json = JSON.parse(readFileSync(path.join(other, 'manifest.json'), 'utf8'));
    json.id = 'another-model';
    writeFileSync(path.join(other, 'manifest.json'), JSON.stringify(json));
    writeFileSync(path.join(root, 'not-a-model.txt'), 'x');
    const { models, problems } = listModels([root]);
    expect(models.map((m) => m.manifest.id).sort()).toEqual(['another-model', 'random-small']);
    expect(problems).toEqual([]);
    expect(chooseModel(models).manifest.id).toBe('another-model'); // no sij-demo-synthetic: first by id
    expect(chooseModel(models, 'random-small@0.1.0').manifest.id).toBe('random-small');
    expect(() => chooseModel(models, 'nope')).toThrow("model 'nope' is not installed (installed: ");
  });
});

describe('execution providers', () => {
  it('orders GPU providers first and CPU last, per platform', () => {
    expect(defaultProviderOrder('linux')).toEqual(['cuda', 'cpu']);
    expect(defaultProviderOrder('win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(defaultProviderOrder('darwin')).toEqual(['coreml', 'cpu']);
  });

  it('parses a provider list and rejects unknown names', () => {
    expect(parseProviderList('CUDA, cpu')).toEqual(['cuda', 'cpu']);
    expect(() => parseProviderList('tpu')).toThrow("unknown execution provider 'tpu'");
  });

  it('falls back from an unavailable provider to the next and reports which one runs', async () => {
    const logs: string[] = [];
    const order = process.platform === 'darwin' ? (['dml', 'cpu'] as const) : (['coreml', 'cpu'] as const);
    const open = await openModel(loadModelFolder(FIXTURE), {
      providers: [...order],
      log: (m) => logs.push(m),
    });
    expect(open.provider).toBe('cpu');
    expect(open.fallbacks[0]).toEqual({ provider: order[0], error: `not available on ${process.platform}` });
    await Promise.all([open.denoiseT1.release(), open.denoiseStir.release(), open.classifier.release()]);
  });

  it('says clearly when the only requested provider is not available', async () => {
    const missing = process.platform === 'darwin' ? 'dml' : 'coreml';
    const err = await openModel(loadModelFolder(FIXTURE), { providers: [missing] }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.message).toBe(
      `no requested execution provider could run the model (${missing}: not available on ${process.platform})`,
    );
  });
});
