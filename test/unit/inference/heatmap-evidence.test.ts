import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  heatmapKinds,
  heatmapOnLesion,
  loadModelFolder,
  withHeatmapEvidence,
  withInstalledHeatmapEvidence,
  type InstalledModel,
  type ModelManifest,
  type ModelResult,
} from '../../../electron/inference';
import { heatmapLegend, heatmapNote, heatmapScaleTop, heatmapScalesAgree } from '../../../electron/api';
import { camCaption, type CamVolume } from '../../../electron/reading';

const FIXTURE = path.resolve('test/fixtures/models/random-small');

/** A one-voxel map: captions do not look at the values. */
const oneVoxel = () => ({
  dims: [1, 1, 1] as [number, number, number],
  spacing: [1, 1, 1] as [number, number, number],
  affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  data: new Float32Array(1),
});

function withMetrics(metrics: Record<string, unknown> | undefined): ModelManifest {
  return { ...loadModelFolder(FIXTURE).manifest, metrics };
}

describe("a task's heat map against true lesions (the model's pointing game)", () => {
  it("reads the manifest's pointing game per task", () => {
    const manifest = withMetrics({
      pointingGame: {
        asas_bme: { sequence: 'stir', positiveExamsWithMask: 43, hits: 34, hitRate: 0.79 },
        structural: { sequence: 't1', positiveExamsWithMask: 32, hits: 4, hitRate: 0.125 },
      },
    });
    expect(heatmapOnLesion(manifest, 'asas_bme')).toEqual({ sequence: 'stir', hits: 34, exams: 43 });
    expect(heatmapOnLesion(manifest, 'structural')).toEqual({ sequence: 't1', hits: 4, exams: 32 });
    expect(heatmapOnLesion(manifest, 'active_inflammation')).toBeUndefined();
  });

  it('counts a missing or malformed block as not checked, without refusing the model', () => {
    expect(heatmapOnLesion(withMetrics(undefined), 'asas_bme')).toBeUndefined();
    expect(heatmapOnLesion(withMetrics({ pointingGame: 'yes' }), 'asas_bme')).toBeUndefined();
    const bad = { sequence: 'pd', positiveExamsWithMask: 10, hits: 3 };
    expect(heatmapOnLesion(withMetrics({ pointingGame: { asas_bme: bad } }), 'asas_bme')).toBeUndefined();
    const impossible = { sequence: 'stir', positiveExamsWithMask: 10, hits: 11 };
    expect(
      heatmapOnLesion(withMetrics({ pointingGame: { asas_bme: impossible } }), 'asas_bme'),
    ).toBeUndefined();
  });

  it('the shipped model carries the figures its report measured', () => {
    const dir = path.resolve('models/sij-demo-synthetic');
    const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const game = raw.metrics.pointingGame.structural;
    expect(heatmapOnLesion(loadModelFolder(dir).manifest, 'structural')).toEqual({
      sequence: game.sequence,
      hits: game.hits,
      exams: game.positiveExamsWithMask,
    });
  });

  it('tells the reader plainly when a map rarely points at the lesion', () => {
    expect(heatmapNote({ sequence: 't1', hits: 4, exams: 32 })).toBe(
      'Map maximum on a lesion in only 4 of 32 positive test exams (T1): this map does not show where the finding is.',
    );
    expect(heatmapNote({ sequence: 'stir', hits: 34, exams: 43 })).toBe(
      'Map maximum on a lesion in 34 of 43 positive test exams (STIR).',
    );
    // Exactly half is not "rarely".
    expect(heatmapNote({ sequence: 'stir', hits: 5, exams: 10 })).toBe(
      'Map maximum on a lesion in 5 of 10 positive test exams (STIR).',
    );
    expect(heatmapNote(undefined)).toBe('This heat map was not checked against true lesions for this model.');
  });

  it("says the same under a report's key image", () => {
    const cam: CamVolume = { task: 'structural', sequence: 't1', volume: oneVoxel() };
    expect(camCaption('T1', 4, { ...cam, heatmapOnLesion: { sequence: 't1', hits: 4, exams: 32 } })).toBe(
      'T1, image 5, structural heat map, Grad-CAM (relative units) (inferno scale 0 to max, transparent below 20%). ' +
        'Map maximum on a lesion in only 4 of 32 positive test exams (T1): this map does not show where the finding is.',
    );
  });

  it('completes a result cached before results carried the figure, from its own model, keeping what it has', () => {
    const manifest = withMetrics({
      pointingGame: { structural: { sequence: 't1', positiveExamsWithMask: 32, hits: 4 } },
    });
    const outcome = { label: 'x', probability: 0.5, threshold: 0.5, positive: true, operatingPoint: {} };
    const own = { sequence: 'stir' as const, hits: 9, exams: 10 };
    const cached = {
      schema: 'sij-model-result/1',
      tasks: {
        active_inflammation: outcome,
        asas_bme: { ...outcome, heatmapOnLesion: own },
        structural: outcome,
      },
    } as unknown as ModelResult;
    const done = withHeatmapEvidence(cached, manifest);
    expect(done.tasks.structural.heatmapOnLesion).toEqual({ sequence: 't1', hits: 4, exams: 32 });
    expect(done.tasks.asas_bme.heatmapOnLesion).toEqual(own);
    expect(done.tasks.active_inflammation.heatmapOnLesion).toBeUndefined();
    expect(cached.tasks.structural.heatmapOnLesion).toBeUndefined(); // the cached object is not changed
    expect(done.tasks.structural.heatmaps).toEqual({ t1: 'grad-cam', stir: 'grad-cam' });
  });

  it('completes it from the installed model whose manifest hash the result records, and from no other', () => {
    const fixture = loadModelFolder(FIXTURE);
    const game = { structural: { sequence: 't1', positiveExamsWithMask: 32, hits: 4 } };
    const installed = (sha256: string): InstalledModel => ({
      ...fixture,
      sha256,
      manifest: withMetrics({ pointingGame: game }),
    });
    const outcome = { label: 'x', probability: 0.5, threshold: 0.5, positive: true, operatingPoint: {} };
    const cached = {
      schema: 'sij-model-result/1',
      model: { id: fixture.manifest.id, version: fixture.manifest.version, sha256: 'a'.repeat(64) },
      tasks: { active_inflammation: outcome, asas_bme: outcome, structural: outcome },
    } as unknown as ModelResult;
    const same = withInstalledHeatmapEvidence(cached, [installed('b'.repeat(64)), installed('a'.repeat(64))]);
    expect(same.tasks.structural.heatmapOnLesion).toEqual({ sequence: 't1', hits: 4, exams: 32 });
    // Same id and version but other files (another hash): its figures say nothing about this result.
    const other = withInstalledHeatmapEvidence(cached, [installed('b'.repeat(64))]);
    expect(other).toBe(cached);
    expect(other.tasks.structural.heatmapOnLesion).toBeUndefined();
  });
});

describe('what a heat map shows (manifest tasks[].heatmaps)', () => {
  const withKinds = (heatmaps: Record<string, string> | undefined): ModelManifest => {
    const base = loadModelFolder(FIXTURE).manifest;
    return {
      ...base,
      tasks: base.tasks.map((t) => (t.key === 'structural' ? { ...t, heatmaps } : t)),
    } as ModelManifest;
  };

  it('is Grad-CAM where the manifest is silent, and what it states otherwise', () => {
    const manifest = withKinds({ t1: 'lesion-probability' });
    expect(heatmapKinds(manifest, 'structural')).toEqual({ t1: 'lesion-probability', stir: 'grad-cam' });
    expect(heatmapKinds(manifest, 'asas_bme')).toEqual({ t1: 'grad-cam', stir: 'grad-cam' });
  });

  it('the shipped model states each of its maps', () => {
    const raw = JSON.parse(readFileSync(path.resolve('models/sij-demo-synthetic/manifest.json'), 'utf8'));
    const manifest = loadModelFolder(path.resolve('models/sij-demo-synthetic')).manifest;
    for (const task of raw.tasks)
      expect(heatmapKinds(manifest, task.key)).toEqual({
        t1: 'grad-cam',
        stir: 'grad-cam',
        ...task.heatmaps,
      });
  });

  it('names one kind once and mixed kinds per sequence in the colour-bar legend', () => {
    const mixed = { t1: 'lesion-probability', stir: 'grad-cam' } as const;
    expect(heatmapLegend(mixed, ['t1', 'stir'])).toBe(
      'T1: lesion probability (0 to 1); STIR: Grad-CAM (relative units)',
    );
    expect(heatmapLegend(mixed, ['t1'])).toBe('lesion probability (0 to 1)');
    expect(heatmapLegend(undefined, ['t1', 'stir'])).toBe('Grad-CAM (relative units)');
    expect(heatmapLegend(mixed, [])).toBe('Grad-CAM (relative units)');
  });

  it('draws a lesion probability on its absolute 0-1 scale and Grad-CAM on its own maximum', () => {
    expect(heatmapScaleTop('lesion-probability')).toBe(1);
    expect(heatmapScaleTop('grad-cam')).toBeUndefined();
    expect(heatmapScaleTop(undefined)).toBeUndefined();
    const mixed = { t1: 'lesion-probability', stir: 'grad-cam' } as const;
    expect(heatmapScalesAgree(mixed, ['t1', 'stir'])).toBe(false);
    expect(heatmapScalesAgree(mixed, ['stir'])).toBe(true);
    expect(heatmapScalesAgree(undefined, ['t1', 'stir'])).toBe(true);
  });

  it("names a detector's map under a report's key image", () => {
    const cam: CamVolume = {
      task: 'structural',
      sequence: 't1',
      kind: 'lesion-probability',
      volume: oneVoxel(),
      heatmapOnLesion: { sequence: 't1', hits: 27, exams: 30 },
    };
    expect(camCaption('T1', 0, cam)).toBe(
      'T1, image 1, structural heat map, lesion probability (0 to 1) (inferno scale 0 to 1, transparent below 20%). ' +
        'Map maximum on a lesion in 27 of 30 positive test exams (T1).',
    );
  });
});
