import type { EvaluationReport } from '../evaluation';

/** Legend's left edge, as a fraction of the x axis: wide enough for the longest label. */
const LEGEND_X = 0.3;

/** The model's operating point in the legend, short; where the threshold came from, briefly. */
function operatingPointLabel(report: EvaluationReport): string {
  const src = report.thresholdSource;
  const where =
    !src || src.method === 'given'
      ? ''
      : src.sameSet
        ? ' (chosen on these cases)'
        : ' (chosen on another set)';
  return `Model at threshold ${report.threshold}${where}`;
}
import { escapeXml, fmt, PALETTE, pct, svgDocument, text } from './svg';

const SIZE = 520;
const MARGIN = { left: 64, right: 24, top: 40, bottom: 56 };
const PLOT = SIZE - MARGIN.left - MARGIN.right;

/** Plot coordinates: x = 1 - specificity, y = sensitivity, both 0..1. */
const px = (fpr: number) => MARGIN.left + fpr * PLOT;
const py = (tpr: number) => MARGIN.top + (1 - tpr) * PLOT;

/**
 * The model's ROC curve with its AUC and operating point, and each reader as a point
 * (open marker: unaided or plain reading; filled: aided), an arrow from a reader's unaided to
 * aided point — the paper's Figure 6 plus the reader-study view.
 */
export function rocPlotSvg(report: EvaluationReport, title = 'ROC curve'): string {
  const body: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    body.push(
      `<line x1="${fmt(px(v))}" y1="${fmt(py(0))}" x2="${fmt(px(v))}" y2="${fmt(py(1))}" stroke="#e5e5e5"/>`,
    );
    body.push(
      `<line x1="${fmt(px(0))}" y1="${fmt(py(v))}" x2="${fmt(px(1))}" y2="${fmt(py(v))}" stroke="#e5e5e5"/>`,
    );
    body.push(text(px(v), py(0) + 18, v.toFixed(1), 'text-anchor="middle"'));
    body.push(text(px(0) - 8, py(v) + 4, v.toFixed(1), 'text-anchor="end"'));
  }
  body.push(`<rect x="${px(0)}" y="${py(1)}" width="${PLOT}" height="${PLOT}" fill="none" stroke="#333"/>`);
  body.push(
    `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#999" stroke-dasharray="4 4"/>`,
  );
  body.push(text(px(0.5), SIZE - 14, '1 − specificity', 'text-anchor="middle"'));
  body.push(
    text(18, py(0.5), 'Sensitivity', `text-anchor="middle" transform="rotate(-90 18 ${fmt(py(0.5))})"`),
  );
  body.push(text(SIZE / 2, 24, title, 'text-anchor="middle" font-size="15" font-weight="bold"'));

  // Legend entries are collected, then drawn bottom-right inside the plot, where ROC curves rarely go.
  const legendEntries: { label: string; mark: (x: number, y: number) => string }[] = [];
  if (report.roc && report.auc !== null && report.aucCi) {
    const points = report.roc.map((p) => `${fmt(px(1 - p.specificity))},${fmt(py(p.sensitivity))}`).join(' ');
    body.push(
      `<polyline class="model-roc" points="${points}" fill="none" stroke="#1f3a93" stroke-width="2"/>`,
    );
    if (report.sensitivity?.estimate != null && report.specificity?.estimate != null) {
      const x = px(1 - report.specificity.estimate);
      const y = py(report.sensitivity.estimate);
      body.push(
        `<rect class="operating-point" x="${fmt(x - 5)}" y="${fmt(y - 5)}" width="10" height="10" fill="#1f3a93"><title>${escapeXml(
          `model at threshold ${report.threshold}: sensitivity ${pct(report.sensitivity.estimate)}, specificity ${pct(report.specificity.estimate)}`,
        )}</title></rect>`,
      );
    }
    const [blo, bhi] = report.aucCi.bootstrap;
    legendEntries.push({
      label: `Model AUC ${report.auc.toFixed(2)} (95% CI ${blo.toFixed(2)}–${bhi.toFixed(2)}, bootstrap)`,
      mark: (x, y) =>
        `<line x1="${fmt(x - 6)}" y1="${fmt(y)}" x2="${fmt(x + 6)}" y2="${fmt(y)}" stroke="#1f3a93" stroke-width="2"/>`,
    });
    if (report.sensitivity?.estimate != null && report.specificity?.estimate != null)
      legendEntries.push({
        label: operatingPointLabel(report),
        mark: (x, y) => `<rect x="${fmt(x - 5)}" y="${fmt(y - 5)}" width="10" height="10" fill="#1f3a93"/>`,
      });
  }

  const readers = [...new Set(report.readers.map((r) => r.reader))];
  const point = (r: EvaluationReport['readers'][number]) =>
    r.sensitivity.estimate === null || r.specificity.estimate === null
      ? null
      : { x: px(1 - r.specificity.estimate), y: py(r.sensitivity.estimate) };
  readers.forEach((name, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const own = report.readers.filter((r) => r.reader === name);
    const unaided = own.find((r) => r.condition === 'unaided');
    const aided = own.find((r) => r.condition === 'aided');
    const from = unaided && point(unaided);
    const to = aided && point(aided);
    if (from && to) {
      body.push(
        `<line class="reader-arrow" x1="${fmt(from.x)}" y1="${fmt(from.y)}" x2="${fmt(to.x)}" y2="${fmt(to.y)}" stroke="${colour}" stroke-width="1.5"/>`,
      );
    }
    for (const r of own) {
      const p = point(r);
      if (!p) continue;
      const filled = r.condition === 'aided';
      body.push(
        `<circle class="reader-point" data-column="${escapeXml(r.column)}" cx="${fmt(p.x)}" cy="${fmt(p.y)}" r="5.5" fill="${filled ? colour : 'white'}" stroke="${colour}" stroke-width="2"><title>${escapeXml(
          `${r.column}: sensitivity ${pct(r.sensitivity.estimate!)}, specificity ${pct(r.specificity.estimate!)} (n = ${r.n})`,
        )}</title></circle>`,
      );
    }
    legendEntries.push({
      label: `Reader ${name}`,
      mark: (x, y) =>
        `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="5" fill="${colour}" stroke="${colour}" stroke-width="2"/>`,
    });
  });
  if (report.readers.some((r) => r.condition !== 'plain')) {
    legendEntries.push({
      label: 'open: without model, filled: with model',
      mark: (x, y) =>
        `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="5" fill="white" stroke="#555" stroke-width="2"/>`,
    });
  }
  legendEntries.forEach((entry, i) => {
    const y = py(0) - 14 - (legendEntries.length - 1 - i) * 18;
    body.push(entry.mark(px(LEGEND_X), y - 4));
    body.push(text(px(LEGEND_X) + 12, y, entry.label));
  });
  return svgDocument(SIZE, SIZE, title, body);
}
