import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  performancePlotSvg,
  readerTableCsv,
  readerTableMarkdown,
  readScoreTable,
  rocPlotSvg,
} from '../../../electron/analysis';

const csv = `case_id,truth,score,reader_A_unaided,reader_A_aided,reader_B
1,1,0.9,1,1,1
2,1,0.8,0,1,1
3,1,0.3,0,1,0
4,1,0.6,1,1,1
5,0,0.7,1,0,0
6,0,0.2,0,0,0
7,0,0.1,0,0,1
8,0,0.4,0,0,0
`;
const report = evaluate(readScoreTable(csv, 'study.csv', { requireTruth: true }), {
  threshold: { kind: 'given', value: 0.5 },
  resamples: 100,
});

/**
 * Parses an SVG with Python's XML parser (an independent check that it is well-formed) and returns
 * the attributes of the elements with the given class.
 */
function elementsByClass(svg: string, cls: string): Record<string, string>[] {
  const script = `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
print(json.dumps([dict(e.attrib) for e in root.iter() if e.get('class') == sys.argv[1]]))
`;
  const out = execFileSync('/usr/bin/python3', ['-c', script, cls], { input: svg, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, string>[];
}

describe('reader-study plots and tables', () => {
  it('ROC: one point per reader reading, at (1 - specificity, sensitivity) in the plot frame', () => {
    const svg = rocPlotSvg(report, 'test');
    const points = elementsByClass(svg, 'reader-point');
    expect(points.map((p) => p['data-column'])).toEqual(['reader_A_unaided', 'reader_A_aided', 'reader_B']);
    // Plot frame: x from 64 (1-spec = 0) to 496 (1), y from 472 (sens = 0) to 40 (1).
    // reader_A_unaided: sensitivity 2/4, specificity 3/4 -> (64 + 0.25 * 432, 472 - 0.5 * 432)
    expect(Number(points[0].cx)).toBeCloseTo(172, 6);
    expect(Number(points[0].cy)).toBeCloseTo(256, 6);
    // reader_A_aided: 4/4 and 4/4 -> top-left corner
    expect([Number(points[1].cx), Number(points[1].cy)]).toEqual([64, 40]);
    expect(elementsByClass(svg, 'reader-arrow')).toHaveLength(1);
    const curve = elementsByClass(svg, 'model-roc')[0].points.split(' ');
    expect(curve).toHaveLength(report.roc!.length);
    expect(curve[0]).toBe('64,472');
    expect(curve[curve.length - 1]).toBe('496,40');
  });

  it('performance dot plot: three panels x (readers + model) estimates', () => {
    const svg = performancePlotSvg(report, 'test');
    expect(elementsByClass(svg, 'estimate')).toHaveLength(3 * 4);
    // one mean line per condition and panel, never pooling readings with and without the model;
    // sensitivity panel spans x 170 (0%) to 370 (100%): unaided A 2/4, aided A 4/4, plain B 3/4
    const means = elementsByClass(svg, 'reader-mean');
    expect(means).toHaveLength(3 * 3);
    expect(means.slice(0, 3).map((m) => `${m['data-condition']} ${m.x1}`)).toEqual([
      'plain 320',
      'unaided 270',
      'aided 370',
    ]);
    // open dots without the model, filled with it
    const dots = elementsByClass(svg, 'estimate');
    expect(dots.slice(0, 2).map((d) => d.fill)).toEqual(['white', '#E69F00']);
  });

  it('says when the model threshold was chosen on the cases it is scored on, and what PPV/NPV depend on', () => {
    const youden = evaluate(readScoreTable(csv, 'study.csv', { requireTruth: true }), { resamples: 100 });
    const md = readerTableMarkdown(youden);
    expect(md).toMatch(/\| model \| threshold [\d.]+ \(Youden on these cases: optimistic\) \|/);
    expect(md).toContain("PPV and NPV hold at this sample's prevalence (4/8, 50%)");
    expect(md).toContain('not adjusted for multiple comparisons');
    expect(rocPlotSvg(youden)).toContain('(chosen on these cases)</text>');
    expect(performancePlotSvg(youden)).toContain('>Model*</text>');
    // a given threshold needs no caveat
    expect(readerTableMarkdown(report)).toContain('| model | threshold 0.5 |');
    expect(readerTableMarkdown(report)).not.toContain('optimistic');
  });

  it('tables list each reading and the model with k/n and exact CIs', () => {
    const lines = readerTableCsv(report).trim().split('\n');
    expect(lines).toHaveLength(1 + 4);
    expect(lines[0].startsWith('who,condition,cases,sensitivity_k,sensitivity_n,sensitivity_pct')).toBe(true);
    expect(lines[1].startsWith('A,unaided,8,2,4,50.0,')).toBe(true);
    const md = readerTableMarkdown(report);
    expect(md).toContain('| A | unaided | 8 | 2/4, 50% (7–93) |'); // binom.test(2, 4): 0.0676, 0.9324
    expect(md).toContain('| A | 8 |'); // the paired comparison table
  });

  it('escapes reader names in SVG text', () => {
    const odd = evaluate(
      readScoreTable('case_id,truth,score,reader_<b>&co\n1,1,0.9,1\n2,0,0.1,0\n', 'odd.csv', {
        requireTruth: true,
      }),
      { resamples: 20 },
    );
    expect(elementsByClass(rocPlotSvg(odd), 'reader-point')[0]['data-column']).toBe('reader_<b>&co');
  });
});
