import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManifestError, parseManifest, type ModelManifest } from './manifest';

/** A model folder whose manifest parsed; its files are not yet checked (see verifyModelFiles). */
export interface InstalledModel {
  dir: string;
  manifest: ModelManifest;
  /** sha256 of manifest.json: the model's identity, since the manifest pins every file's hash */
  sha256: string;
}

/** A model file missing or not matching its manifest hash: the model must not run. */
export class ModelIntegrityError extends Error {}

/** The models shipped in the repository's models/ folder. */
export const REPO_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models');

/** Where models are looked for: the repository's models/ then `<userData>/models` (site-installed). */
export function modelRoots(userDataDir?: string): string[] {
  return userDataDir ? [REPO_MODELS_DIR, path.join(userDataDir, 'models')] : [REPO_MODELS_DIR];
}

export function loadModelFolder(dir: string): InstalledModel {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new ManifestError(`${manifestPath}: no manifest.json in the model folder`);
  const bytes = readFileSync(manifestPath);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ManifestError(`${manifestPath}: not JSON (${(err as Error).message})`);
  }
  const manifest = parseManifest(json, manifestPath);
  return { dir: path.resolve(dir), manifest, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export interface ModelListing {
  models: InstalledModel[];
  /** folders with a manifest.json that could not be used, each with the reason */
  problems: { dir: string; message: string }[];
}

/** Every model folder (a direct sub-folder holding manifest.json) under the roots. */
export function listModels(roots: string[]): ModelListing {
  const listing: ModelListing = { models: [], problems: [] };
  const seen = new Set<string>();
  for (const root of roots) {
    if (!existsSync(root) || !statSync(root).isDirectory()) continue;
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      const dir = path.join(root, entry.name);
      if (!entry.isDirectory() || !existsSync(path.join(dir, 'manifest.json'))) continue;
      try {
        const model = loadModelFolder(dir);
        const key = `${model.manifest.id}@${model.manifest.version}`;
        if (seen.has(key)) {
          listing.problems.push({
            dir,
            message: `${key} is already installed from another folder; this copy is ignored`,
          });
          continue;
        }
        seen.add(key);
        listing.models.push(model);
      } catch (err) {
        listing.problems.push({ dir, message: (err as Error).message });
      }
    }
  }
  return listing;
}

/** The default model id when settings name none. */
export const DEFAULT_MODEL_ID = 'sij-demo-synthetic';

/** The model to use: the one named (id or id@version), else the default id, else the first by id. */
export function chooseModel(models: InstalledModel[], wanted?: string): InstalledModel {
  if (models.length === 0)
    throw new ModelIntegrityError('no model is installed (no folder with a manifest.json)');
  const matches = (m: InstalledModel, name: string) =>
    m.manifest.id === name || `${m.manifest.id}@${m.manifest.version}` === name;
  if (wanted) {
    const found = models.find((m) => matches(m, wanted));
    if (!found) {
      const ids = models.map((m) => `${m.manifest.id}@${m.manifest.version}`).join(', ');
      throw new ModelIntegrityError(`model '${wanted}' is not installed (installed: ${ids})`);
    }
    return found;
  }
  return (
    models.find((m) => m.manifest.id === DEFAULT_MODEL_ID) ??
    [...models].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id))[0]
  );
}

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Every file the manifest names, networks first, with the hash it must have. */
export function pinnedFiles(manifest: ModelManifest): { path: string; sha256: string }[] {
  const n = manifest.networks;
  return [n.denoiseT1, n.denoiseStir, n.classifier]
    .map((f) => ({ path: f.file, sha256: f.sha256 }))
    .concat(manifest.files);
}

/**
 * Checks every pinned file against its sha256 before any of them is given to ONNX Runtime, so a
 * tampered, truncated or half-copied model is refused with the file named.
 */
export async function verifyModelFiles(model: InstalledModel): Promise<void> {
  for (const file of pinnedFiles(model.manifest)) {
    const full = path.join(model.dir, file.path);
    if (!existsSync(full))
      throw new ModelIntegrityError(`${full}: file listed in the model manifest is missing`);
    const actual = await sha256OfFile(full);
    if (actual !== file.sha256) {
      throw new ModelIntegrityError(
        `${full}: sha256 ${actual} does not match the manifest (${file.sha256}); the model file is corrupted or was changed`,
      );
    }
  }
}
