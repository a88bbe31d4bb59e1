import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientToVoxel, readNifti, voxelToPatient, type Volume } from '../../../electron/imaging';
import { InferenceEngine, type EngineOutput } from '../../../electron/inference';

// End to end with the shipped model on generated exams. Fixed seed set, stated here and not chosen
// after the fact: positives = phantom seeds 301, 302, 303 with `--findings case=axspa_active`,
// clean = seeds 311, 312, 313 with `case=normal`, structural = seeds 321, 322, 323 with
// `case=axspa_structural`, label noise 0. Runs when the trained model is installed.
const MODEL = path.resolve(process.env.SIJ_E2E_MODEL ?? 'models/sij-demo-synthetic');
const present = existsSync(path.join(MODEL, 'manifest.json'));
// The decisions and CAM localisation are only testable for a model that learned the task: its own
// manifest must show an unseen-site AUC whose 95% CI lies above chance. A model documented as not
// learned (sij-demo-synthetic 0.1.0: AUC 0.56, CI 0.34-0.76) is reported as skipped, not passed.
const learned =
  present &&
  ((
    JSON.parse(readFileSync(path.join(MODEL, 'manifest.json'), 'utf8')) as {
      metrics?: { unseenSite?: { active_inflammation?: { aucCI?: [number, number] } } };
    }
  ).metrics?.unseenSite?.active_inflammation?.aucCI?.[0] ?? 0) > 0.5;
// What the model's manifest says its active-inflammation STIR map is (absent: Grad-CAM); the engine must carry it.
const declaredStirMap = present
  ? ((
      JSON.parse(readFileSync(path.join(MODEL, 'manifest.json'), 'utf8')) as {
        tasks: { key: string; heatmaps?: { stir?: string } }[];
      }
    ).tasks.find((t) => t.key === 'active_inflammation')?.heatmaps?.stir ?? 'grad-cam')
  : undefined;
const POSITIVE_SEEDS = [301, 302, 303];
const CLEAN_SEEDS = [311, 312, 313];
const STRUCTURAL_SEEDS = [321, 322, 323];
// The phantom's structural lesion codes (electron/phantom/lesions.ts): erosion, fat lesion, backfill, ankylosis.
const STRUCTURAL_CODES = [6, 8, 9, 10];
// Half the diagonal of a CAM cell (3.5 mm x 4 voxels x 2 mm in-plane): a map maximum in a lesion's cell
// is at most this far from it once the cell is drawn on the stack.
const HALF_CELL_MM = Math.hypot(1.75, 4, 4);

interface Exam {
  seed: number;
  dir: string;
  labels: Record<string, boolean>;
  out: EngineOutput;
}

function argmax(v: Volume): number {
  let best = 0;
  for (let n = 1; n < v.data.length; n++) if (v.data[n] > v.data[best]) best = n;
  return best;
}

/** Distance (mm) from a patient point to the nearest voxel of `mask` with a label accepted by `counts`. */
function distanceToLesion(mask: Volume, p: readonly number[], counts = (label: number) => label > 0): number {
  const [nx, ny, nz] = mask.dims;
  let best = Infinity;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!counts(mask.data[i + nx * (j + ny * k)])) continue;
        const q = voxelToPatient(mask.affine, [i, j, k]);
        best = Math.min(best, Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]));
      }
  return best;
}

describe.skipIf(!learned)(`shipped model end to end (${path.relative(process.cwd(), MODEL)})`, () => {
  const exams: Exam[] = [];
  let engine: InferenceEngine;

  beforeAll(async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'e2e-model-'));
    engine = new InferenceEngine({ model: MODEL, session: { providers: ['cpu'] } });
    for (const [seeds, kind] of [
      [POSITIVE_SEEDS, 'axspa_active'],
      [CLEAN_SEEDS, 'normal'],
      [STRUCTURAL_SEEDS, 'axspa_structural'],
    ] as const) {
      for (const seed of seeds) {
        const dir = path.join(root, `${kind}-${seed}`);
        await promisify(execFile)('node', [
          'bin/sij.mjs',
          'phantom',
          '--out',
          dir,
          '--seed',
          String(seed),
          '--findings',
          `case=${kind}`,
          '--label-noise',
          '0',
        ]);
        const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as {
          labels: Record<string, boolean>;
        };
        exams.push({ seed, dir, labels: truth.labels, out: await engine.read([dir]) });
      }
    }
  }, 900_000);

  afterAll(() => engine?.close());

  it('scores every positive phantom above the active-inflammation threshold and every clean one below', () => {
    const lines = exams
      .filter((e) => !STRUCTURAL_SEEDS.includes(e.seed))
      .map(
        (e) =>
          `seed ${e.seed} truth ${e.labels.active_inflammation ? 'pos' : 'neg'} p=${e.out.result.tasks.active_inflammation.probability.toFixed(3)}`,
      );
    process.stderr.write(lines.join('\n') + '\n');
    for (const e of exams.filter((x) => !STRUCTURAL_SEEDS.includes(x.seed))) {
      expect(e.labels.active_inflammation).toBe(POSITIVE_SEEDS.includes(e.seed));
      expect(e.out.result.tasks.active_inflammation.positive, `seed ${e.seed}`).toBe(
        e.labels.active_inflammation,
      );
    }
  });

  it("puts the STIR map's maximum inside a lesion on the positive exams, and says what the map is", () => {
    for (const e of exams.filter((x) => x.labels.active_inflammation)) {
      expect(e.out.result.tasks.active_inflammation.heatmaps?.stir).toBe(declaredStirMap);
      const cam = e.out.cams.find((c) => c.task === 'active_inflammation' && c.sequence === 'stir')!.volume;
      const n = argmax(cam);
      const [nx, ny] = cam.dims;
      const peak = voxelToPatient(cam.affine, [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))]);
      const mask = readNifti(path.join(e.dir, 'masks', 'stir_lesions.nii.gz'));
      const v = patientToVoxel(mask.affine, peak).map(Math.round);
      const inside = mask.data[v[0] + mask.dims[0] * (v[1] + mask.dims[1] * v[2])] > 0;
      // The map comes from a coarse feature grid; "inside" allows half a model-grid slice (1.75 mm).
      const distance = inside ? 0 : distanceToLesion(mask, peak);
      process.stderr.write(
        `seed ${e.seed}: STIR map peak ${inside ? 'inside a lesion' : `${distance.toFixed(1)} mm from the nearest lesion`}\n`,
      );
      expect(distance, `seed ${e.seed}`).toBeLessThanOrEqual(1.75);
    }
  });

  it('scores every structural phantom above the structural threshold and every clean one below', () => {
    const read = exams.filter((e) => STRUCTURAL_SEEDS.includes(e.seed) || CLEAN_SEEDS.includes(e.seed));
    process.stderr.write(
      read
        .map((e) => `seed ${e.seed} structural p=${e.out.result.tasks.structural.probability.toFixed(3)}`)
        .join('\n') + '\n',
    );
    for (const e of read) {
      expect(e.labels.structural, `seed ${e.seed} truth`).toBe(STRUCTURAL_SEEDS.includes(e.seed));
      expect(e.out.result.tasks.structural.positive, `seed ${e.seed}`).toBe(e.labels.structural);
    }
  });

  it("puts the structural T1 map's maximum in the cell of a structural lesion, and says what the map is", () => {
    for (const e of exams.filter((x) => STRUCTURAL_SEEDS.includes(x.seed))) {
      expect(e.out.result.tasks.structural.heatmaps?.t1).toBe('lesion-probability');
      const cam = e.out.cams.find((c) => c.task === 'structural' && c.sequence === 't1')!.volume;
      const n = argmax(cam);
      const [nx, ny] = cam.dims;
      const peak = voxelToPatient(cam.affine, [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))]);
      const mask = readNifti(path.join(e.dir, 'masks', 't1_lesions.nii.gz'));
      const distance = distanceToLesion(mask, peak, (label) => STRUCTURAL_CODES.includes(Math.round(label)));
      process.stderr.write(
        `seed ${e.seed}: T1 map peak ${distance.toFixed(1)} mm from the nearest structural lesion\n`,
      );
      expect(distance, `seed ${e.seed}`).toBeLessThanOrEqual(HALF_CELL_MM);
    }
  });
});
