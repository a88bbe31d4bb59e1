import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../electron/cli/command';
import { command } from '../../../electron/cli/commands/inspect';
import { acquisition, positionsAlongNormal, writeSeries } from '../../fixtures/dicom/series';

const STUDY = '1.2.826.0.1.3680043.9.7433.8.1';
let dir: string;

/** Runs `sij inspect` in this process (the dispatcher maps a UsageError to exit 2). */
async function inspect(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await command.run(args), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sij-cli-'));
  const row: [number, number, number] = [1, 0, 0];
  const col: [number, number, number] = [0, Math.sin(Math.PI / 6), -Math.cos(Math.PI / 6)];
  writeSeries(path.join(dir, 'exam', 'STIR'), {
    studyUid: STUDY,
    seriesUid: `${STUDY}.2`,
    seriesNumber: 2,
    description: 'tirm_cor',
    patientId: 'PID-7',
    rows: 16,
    columns: 12,
    pixelSpacing: [0.9, 0.8],
    rowCosine: row,
    columnCosine: col,
    positions: positionsAlongNormal([0, 0, 0], row, col, 5, 3.5),
    extra: acquisition({ tr: 5000, te: 60, ti: 150, scanningSequence: 'IR' }),
  });
  writeFileSync(path.join(dir, 'exam', 'report.txt'), 'not dicom');
  mkdirSync(path.join(dir, 'junk-only'));
  writeFileSync(path.join(dir, 'junk-only', 'a.dcm'), Buffer.alloc(400, 7));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sij inspect --json (the CLI contract)', () => {
  it('prints exactly the documented shape and exits 0', async () => {
    const r = await inspect(path.join(dir, 'exam'), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['studies', 'files']);
    const study = out.studies[0];
    expect(Object.keys(study)).toEqual(['studyInstanceUid', 'patientId', 'series']);
    expect(study.patientId).toBe('PID-7');
    const series = study.series[0];
    expect(Object.keys(series)).toEqual(['seriesInstanceUid', 'description', 'modality', 'stacks']);
    expect(series.stacks).toEqual([
      {
        rows: 16,
        columns: 12,
        slices: 5,
        spacing: [0.8, 0.9, 3.5],
        orientation: 'oblique-coronal',
        semicoronal: true,
        tiltDegrees: 30,
        role: 'stir',
        roleConfidence: expect.any(Number),
        problems: [],
      },
    ]);
    expect(out.files).toEqual({
      read: 5,
      skipped: [
        { path: path.join(dir, 'exam', 'report.txt'), reason: expect.stringMatching(/not a DICOM file/) },
      ],
    });
  });

  it('exits 1 when nothing usable was found; no path is a usage error', async () => {
    const none = await inspect(path.join(dir, 'junk-only'), '--json');
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout).files.skipped).toHaveLength(1);
    await expect(command.run([])).rejects.toThrow(UsageError);
  });

  it('answers from the study index the second time (--index --data-dir)', async () => {
    const dataDir = path.join(dir, 'data');
    const first = await inspect(path.join(dir, 'exam'), '--json', '--index', '--data-dir', dataDir);
    const second = await inspect(path.join(dir, 'exam'), '--json', '--index', '--data-dir', dataDir);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
  });
});
