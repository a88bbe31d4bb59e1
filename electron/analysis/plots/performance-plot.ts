import type { Proportion } from '../binomial';
import type { EvaluationReport } from '../evaluation';
import { escapeXml, fmt, pct, svgDocument, text } from './svg';

interface Row {
  label: string;
  kind: 'model' | 'reader';
  values: Record<Metric, Proportion | null>;
}

type Metric = 'sensitivity' | 'specificity' | 'accuracy';
const METRICS: Metric[] = ['sensitivity', 'specificity', 'accuracy'];

const LABEL_WIDTH = 170;
const PANEL = 200;
const GAP = 44;
const ROW = 22;
const TOP = 56;

/**
 * Dot plot of sensitivity, specificity and accuracy with 95% Clopper-Pearson CIs for the model
 * and every reader reading, with the readers' mean as a dashed line — the paper's Figure 5.
 */
export function performancePlotSvg(report: EvaluationReport, title = 'Diagnostic performance'): string {
  const rows: Row[] = report.readers.map((r) => ({
    label: r.condition === 'plain' ? r.reader : `${r.reader} (${r.condition})`,
    kind: 'reader',
    values: { sensitivity: r.sensitivity, specificity: r.specificity, accuracy: r.accuracy },
  }));
  if (report.sensitivity && report.specificity && report.accuracy) {
    rows.push({
      label: 'Model',
      kind: 'model',
      values: { sensitivity: report.sensitivity, specificity: report.specificity, accuracy: report.accuracy },
    });
  }
  const width = LABEL_WIDTH + METRICS.length * (PANEL + GAP);
  const height = TOP + rows.length * ROW + 44;
  const body: string[] = [
    text(width / 2, 24, title, 'text-anchor="middle" font-size="15" font-weight="bold"'),
  ];
  const rowY = (i: number) => TOP + i * ROW + ROW / 2;
  rows.forEach((row, i) => body.push(text(LABEL_WIDTH - 10, rowY(i) + 4, row.label, 'text-anchor="end"')));

  METRICS.forEach((metric, m) => {
    const x0 = LABEL_WIDTH + m * (PANEL + GAP);
    const x = (v: number) => x0 + v * PANEL;
    const bottom = TOP + rows.length * ROW;
    body.push(
      text(
        x(0.5),
        TOP - 12,
        `${metric[0].toUpperCase()}${metric.slice(1)} (%)`,
        'text-anchor="middle" font-weight="bold"',
      ),
    );
    for (let t = 0; t <= 4; t++) {
      const v = t / 4;
      body.push(`<line x1="${fmt(x(v))}" y1="${TOP}" x2="${fmt(x(v))}" y2="${bottom}" stroke="#e5e5e5"/>`);
      body.push(text(x(v), bottom + 16, String(100 * v), 'text-anchor="middle" font-size="10"'));
    }
    const readerValues = rows
      .filter((r) => r.kind === 'reader')
      .map((r) => r.values[metric]?.estimate)
      .filter((v): v is number => v != null);
    if (readerValues.length > 0) {
      const mean = readerValues.reduce((s, v) => s + v, 0) / readerValues.length;
      body.push(
        `<line class="reader-mean" x1="${fmt(x(mean))}" y1="${TOP}" x2="${fmt(x(mean))}" y2="${bottom}" stroke="#666" stroke-dasharray="4 3"><title>mean of readers ${pct(mean)}</title></line>`,
      );
    }
    rows.forEach((row, i) => {
      const p = row.values[metric];
      if (!p || p.estimate === null || !p.ci) return;
      const colour = row.kind === 'model' ? '#1f3a93' : '#E69F00';
      body.push(
        `<line x1="${fmt(x(p.ci[0]))}" y1="${fmt(rowY(i))}" x2="${fmt(x(p.ci[1]))}" y2="${fmt(rowY(i))}" stroke="${colour}" stroke-width="2"/>`,
      );
      body.push(
        `<circle class="estimate" cx="${fmt(x(p.estimate))}" cy="${fmt(rowY(i))}" r="4.5" fill="${colour}"><title>${escapeXml(
          `${row.label} ${metric}: ${p.k}/${p.n} = ${pct(p.estimate)} (95% CI ${pct(p.ci[0])}, ${pct(p.ci[1])})`,
        )}</title></circle>`,
      );
    });
  });
  body.push(
    text(
      LABEL_WIDTH,
      height - 8,
      'Dots: estimate; lines: exact 95% CI (Clopper-Pearson); dashed: mean of readers',
      'font-size="10" fill="#555"',
    ),
  );
  return svgDocument(width, height, title, body);
}
