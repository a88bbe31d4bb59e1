import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, readLabels, type DatasetExamEntry } from '../../../electron/inference';

const here = path.dirname(new URL(import.meta.url).pathname);
const grid = {
  size: [20, 112, 112] as [number, number, number],
  spacing: [3.5, 2, 2] as [number, number, number],
};

function readF32(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

describe('sij dataset (buildDataset over 2 worker threads)', () => {
  let root: string;
  let json: {
    schema: string;
    grid: unknown;
    exams: DatasetExamEntry[];
    skipped: { id: string; reason: string }[];
  };
  let wallMs: number;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'dataset-'));
    for (const [id, extra] of [
      ['exam-a', []],
      ['exam-b', ['--lesion', '--seed', '2']],
      ['exam-c', ['--seed', '3', '--sequences', 't1']],
    ] as const) {
      execFileSync('/usr/bin/python3', [path.join(here, 'make_exam.py'), path.join(root, id), ...extra]);
    }
    writeFileSync(
      path.join(root, 'labels.csv'),
      'exam_id,site,active_inflammation,asas_bme,structural\nexam-a,site1,0,0,0\nexam-b,site2,1,1,0\nexam-c,site1,0,0,1\n',
    );
    const summary = await buildDataset({
      folders: ['exam-a', 'exam-b', 'exam-c'].map((d) => path.join(root, d)),
      labelsFile: path.join(root, 'labels.csv'),
      outDir: path.join(root, 'out'),
      grid,
      features: true,
      workers: 2,
    });
    wallMs = summary.wallMs;
    json = JSON.parse(readFileSync(summary.file, 'utf8'));
  }, 120_000);

  it('writes dataset.json with the labelled exams, in input order, and skips the one without STIR', () => {
    expect(json.schema).toBe('sij-dataset/1');
    expect(json.grid).toEqual({ size: [20, 112, 112], spacing: [3.5, 2, 2] });
    expect(json.exams.map((e) => e.id)).toEqual(['exam-a', 'exam-b']);
    expect(json.exams[1].labels).toEqual({ active_inflammation: true, asas_bme: true, structural: false });
    expect(json.exams[1].site).toBe('site2');
    expect(json.skipped).toHaveLength(1);
    expect(json.skipped[0].id).toBe('exam-c');
    expect(json.skipped[0].reason).toMatch(/no fluid-sensitive .*STIR.* series found/);
    expect(json.exams[0].features?.exam.stirFatRatio).toBeGreaterThan(0);
    process.stderr.write(
      `dataset: ${json.exams.length + json.skipped.length} exams in ${wallMs.toFixed(0)} ms\n`,
    );
  });

  it('matches an independent pydicom + scipy resampling of each sequence', () => {
    for (const seq of ['t1', 'stir'] as const) {
      const exam = json.exams[1];
      const ours = readF32(path.join(root, 'out', exam.files[seq]));
      expect(statSync(path.join(root, 'out', exam.files[seq])).size).toBe(20 * 112 * 112 * 4);
      const refFile = path.join(root, `ref-${seq}.f32`);
      execFileSync('/usr/bin/python3', [
        path.join(here, 'reference_grid.py'),
        path.join(root, 'exam-b', seq.toUpperCase()),
        refFile,
        ...['20', '112', '112', '3.5', '2', '2'],
      ]);
      const ref = readF32(refFile);
      let worst = 0;
      for (let n = 0; n < ref.length; n++) worst = Math.max(worst, Math.abs(ref[n] - ours[n]));
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it("resamples a phantom exam's clean images and lesion masks onto the same grid as its input", async () => {
    const exam = path.join(root, 'phantom-7');
    await promisify(execFile)('node', [
      'bin/sij.mjs',
      'phantom',
      '--out',
      exam,
      '--seed',
      '7',
      '--findings',
      'case=axspa_active',
    ]);
    writeFileSync(
      path.join(root, 'phantom.csv'),
      'exam_id,active_inflammation,asas_bme,structural\nphantom-7,1,1,0\n',
    );
    const summary = await buildDataset({
      folders: [exam],
      labelsFile: path.join(root, 'phantom.csv'),
      outDir: path.join(root, 'out-phantom'),
      grid,
      features: false,
      workers: 1,
    });
    const entry = (JSON.parse(readFileSync(summary.file, 'utf8')) as { exams: DatasetExamEntry[] }).exams[0];
    expect(Object.keys(entry.files).sort()).toEqual([
      'stir',
      'stirClean',
      'stirMask',
      't1',
      't1Clean',
      't1Mask',
    ]);
    const f = (k: keyof DatasetExamEntry['files']) =>
      readF32(path.join(root, 'out-phantom', entry.files[k]!));
    const stir = f('stir');
    const mask = f('stirMask');
    const clean = f('stirClean');
    // Phantom truth: lesions on STIR (bone marrow edema) are bright, so where the resampled mask says
    // lesion the resampled STIR input must be brighter than elsewhere; a misaligned grid would blur that.
    let inside = 0;
    let nIn = 0;
    let outside = 0;
    for (let n = 0; n < mask.length; n++) {
      if (mask[n] > 0) {
        inside += stir[n];
        nIn++;
      } else outside += stir[n];
    }
    expect(nIn).toBeGreaterThan(0);
    expect(inside / nIn - outside / (mask.length - nIn)).toBeGreaterThan(1);
    // The clean image is the same anatomy without noise/bias: strongly correlated with the input.
    let sxy = 0;
    for (let n = 0; n < stir.length; n++) sxy += stir[n] * clean[n];
    expect(sxy / stir.length).toBeGreaterThan(0.8); // both z-scored: this is Pearson's r
  }, 120_000);

  it('reads labels.csv strictly, naming the file and line', () => {
    const bad = path.join(root, 'bad.csv');
    writeFileSync(bad, 'exam_id,active_inflammation,asas_bme,structural\nx,1,2,0\n');
    expect(() => readLabels(bad)).toThrow(`${bad}:2: column asas_bme must be 0 or 1 (got '2')`);
    writeFileSync(bad, 'exam_id,active_inflammation,structural\n');
    expect(() => readLabels(bad)).toThrow(`${bad}: header lacks column(s) asas_bme`);
  });
});
