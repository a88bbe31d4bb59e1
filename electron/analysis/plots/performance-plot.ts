import type { Proportion } from '../binomial';
import type { EvaluationReport } from '../evaluation';
import { thresholdText } from '../reader-table';
import { escapeXml, fmt, pct, svgDocument, text } from './svg';

type Condition = 'plain' | 'unaided' | 'aided';

interface Row {
  label: string;
  kind: 'model' | 'reader';
  condition: Condition;
  values: Record<Metric, Proportion | null>;
}

type Metric = 'sensitivity' | 'specificity' | 'accuracy';
const METRICS: Metric[] = ['sensitivity', 'specificity', 'accuracy'];

const LABEL_WIDTH = 170;
const PANEL = 200;
const GAP = 44;
const ROW = 22;
const TOP = 56;

/** Mean lines: one per reading condition, never pooling readings with and without the model. */
const MEAN_DASH: Record<Condition, string> = { plain: '4 3', unaided: '2 3', aided: '7 3' };

/**
 * Dot plot of sensitivity, specificity and accuracy with 95% Clopper-Pearson CIs for the model
 * and every reader reading, with the readers' mean per condition as a dashed line — the paper's
 * Figure 5. Readings without the model are open dots, with it filled (as on the ROC plot).
 */
export function performancePlotSvg(report: EvaluationReport, title = 'Diagnostic performance'): string {
  const rows: Row[] = report.readers.map((r) => ({
    label: r.condition === 'plain' ? r.reader : `${r.reader} (${r.condition})`,
    kind: 'reader',
    condition: r.condition as Condition,
    values: { sensitivity: r.sensitivity, specificity: r.specificity, accuracy: r.accuracy },
  }));
  const optimistic = report.thresholdSource?.sameSet === true;
  if (report.sensitivity && report.specificity && report.accuracy) {
    rows.push({
      label: optimistic ? 'Model*' : 'Model',
      kind: 'model',
      condition: 'plain',
      values: { sensitivity: report.sensitivity, specificity: report.specificity, accuracy: report.accuracy },
    });
  }
  const width = LABEL_WIDTH + METRICS.length * (PANEL + GAP);
  const footLines = (report.readers.some((r) => r.condition !== 'plain') ? 2 : 1) + (optimistic ? 1 : 0);
  const height = TOP + rows.length * ROW + 30 + 14 * footLines;
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
    for (const condition of ['plain', 'unaided', 'aided'] as const) {
      const values = rows
        .filter((r) => r.kind === 'reader' && r.condition === condition)
        .map((r) => r.values[metric]?.estimate)
        .filter((v): v is number => v != null);
      if (values.length === 0) continue;
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      body.push(
        `<line class="reader-mean" data-condition="${condition}" x1="${fmt(x(mean))}" y1="${TOP}" x2="${fmt(x(mean))}" y2="${bottom}" stroke="#666" stroke-dasharray="${MEAN_DASH[condition]}"><title>mean of readers${condition === 'plain' ? '' : ` (${condition})`} ${pct(mean)}</title></line>`,
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
        `<circle class="estimate" cx="${fmt(x(p.estimate))}" cy="${fmt(rowY(i))}" r="4.5" fill="${row.condition === 'unaided' ? 'white' : colour}" stroke="${colour}" stroke-width="2"><title>${escapeXml(
          `${row.label} ${metric}: ${p.k}/${p.n} = ${pct(p.estimate)} (95% CI ${pct(p.ci[0])}, ${pct(p.ci[1])})`,
        )}</title></circle>`,
      );
    });
  });
  const conditions = new Set(rows.filter((r) => r.kind === 'reader').map((r) => r.condition));
  const paired = conditions.has('unaided') || conditions.has('aided');
  const notes = paired
    ? [
        'Dots: estimate (open: without the model, filled: with it); lines: exact 95% CI (Clopper-Pearson)',
        'Dotted line: mean of readers without the model; dashed: with it',
      ]
    : ['Dots: estimate; lines: exact 95% CI (Clopper-Pearson); dashed: mean of readers'];
  if (optimistic) notes.push(`* Model at ${thresholdText(report)}`);
  notes.forEach((note, i) =>
    body.push(
      text(LABEL_WIDTH, height - 8 - (notes.length - 1 - i) * 14, note, 'font-size="10" fill="#555"'),
    ),
  );
  return svgDocument(width, height, title, body);
}
