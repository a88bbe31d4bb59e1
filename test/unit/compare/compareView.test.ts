import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from 'svelte/compiler';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { comparisonSchema } from '../../../electron/api/compare';
import { compareReadings } from '../../../electron/compare';
import {
  gridHighlights,
  gridRows,
  judgementText,
  pairText,
  rowTarget,
} from '../../../renderer/src/compare/compare-view';
import { ada, ben, examRef, modelOutput, signedReading } from './fixtures';

// Ada: BME right lower ilium slices 2-3 (slice 3 deep); Ben: BME right lower ilium slice 2 only,
// and overrides the model's "yes" on active inflammation.
const exam = examRef(1);
const payload = comparisonSchema.parse(
  compareReadings([
    {
      label: 'Ada',
      origin: 'local',
      reading: signedReading({
        id: 'a',
        author: ada,
        exam,
        model: modelOutput(),
        grid: [
          { slice: 2, joint: 'right', quadrant: 'lower_ilium', lesions: ['bme'] },
          { slice: 3, joint: 'right', quadrant: 'lower_ilium', lesions: ['bme'], bmeDeep: true },
        ],
        answers: { active_inflammation: 'yes', asas_bme: 'no', structural: 'no', overall_axspa: 'yes' },
      }),
    },
    {
      label: 'Ben',
      origin: 'imported',
      reading: signedReading({
        id: 'b',
        author: ben,
        exam,
        model: modelOutput(),
        grid: [{ slice: 2, joint: 'right', quadrant: 'lower_ilium', lesions: ['bme'] }],
        answers: { active_inflammation: 'no', asas_bme: 'no', structural: 'no', overall_axspa: 'no' },
      }),
    },
  ]),
);

describe('compare view model', () => {
  it('lays the grid out by slice, right joint first, flagging what differs', () => {
    const rows = gridRows(payload);
    expect(rows.map((r) => [r.slice, r.differs])).toEqual([
      [2, false],
      [3, true],
    ]);
    // column 2 = right lower ilium (right: upper ilium, upper sacrum, lower ilium, ...)
    expect(rows[1].cells[2]).toEqual({
      byReader: [
        [
          { mark: 'BME', differs: true },
          { mark: 'deep', differs: true },
        ],
        [],
      ],
      differs: true,
    });
    expect(rows[0].cells[2].byReader).toEqual([
      [{ mark: 'BME', differs: false }],
      [{ mark: 'BME', differs: false }],
    ]);
    expect(rows[0].cells.filter((c) => c.byReader.some((m) => m.length > 0))).toHaveLength(1);
  });

  it('tints the differing quadrant as a difference and the agreed one as a lesion', () => {
    // slice 2: both marked BME right lower ilium (agree); slice 3: only Ada (differs)
    expect(gridHighlights(payload)).toEqual([
      { slice: 2, joint: 'right', quadrant: 'lower_ilium', tone: 'lesion' },
      { slice: 3, joint: 'right', quadrant: 'lower_ilium', tone: 'difference' },
    ]);
    expect(rowTarget(payload, 3)).toEqual({ slice: 3, joint: 'right', quadrant: 'lower_ilium' });
    expect(rowTarget(payload, 9)).toBeNull();
  });

  it('summarises each pair in words', () => {
    // Ada vs Ben: slice 3 right lower ilium differs (one position); active inflammation and overall differ
    expect(payload.pairs.map(pairText)).toEqual([
      'Ada vs Ben: 1 grid position differs; judgements differ: active inflammation, overall axSpA',
    ]);
  });

  it('says what the model did to each answer', () => {
    const active = payload.judgements.find((j) => j.key === 'active_inflammation')!;
    expect(active.readers.map(judgementText)).toEqual(['yes (3/4)', 'no (3/4) overrode model']);
  });
});

describe('CompareScreen.svelte', () => {
  it('compiles without warnings for the browser', () => {
    const file = path.resolve(import.meta.dirname, '../../../renderer/src/compare/CompareScreen.svelte');
    const out = compile(readFileSync(file, 'utf8'), { filename: file, generate: 'client' });
    expect(out.warnings.map((w) => w.message)).toEqual([]);
  });
});

describe('CompareView.svelte', () => {
  const file = path.resolve(import.meta.dirname, '../../../renderer/src/compare/CompareView.svelte');
  const source = readFileSync(file, 'utf8');

  it('compiles without warnings for the browser', () => {
    const out = compile(source, { filename: file, generate: 'client' });
    expect(out.warnings.map((w) => w.message)).toEqual([]);
  });

  it('renders both readers, the differing row highlighted, and the override', async () => {
    const out = compile(source, { filename: file, generate: 'server' });
    // next to the source so its relative imports resolve; removed afterwards
    const tmp = path.join(path.dirname(file), `.CompareView.${process.pid}.server.js`);
    writeFileSync(tmp, out.js.code);
    try {
      const Component = (await import(tmp)).default;
      const { body } = render(Component, { props: { comparison: payload, onConsensus: () => {} } });
      expect(body).toContain('data-testid="compare-view"');
      expect(body.match(/<tr[^>]*class="[^"]*\bdiffers\b/g)?.length).toBe(3); // active inflammation and overall rows + the slice 4 row
      expect(body).toContain('Ben: Active inflammatory changes indicative of axSpA — model yes, reader no');
      expect(body).toContain('1 of 2 slices differ');
      expect(body).toContain('data-testid="start-consensus"');
      expect(body).toContain('data-testid="differing-cell-3-2"');
      expect(body).toContain('Ada vs Ben: 1 grid position differs');
    } finally {
      rmSync(tmp, { force: true });
    }
  });
});
