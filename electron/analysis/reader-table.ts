import type { Proportion } from './binomial';
import type { EvaluationReport } from './evaluation';

interface TableRow {
  who: string;
  condition: string;
  n: number;
  values: Proportion[];
}

const METRICS = ['sensitivity', 'specificity', 'accuracy', 'ppv', 'npv'] as const;

function rowsOf(report: EvaluationReport): TableRow[] {
  const rows: TableRow[] = report.readers.map((r) => ({
    who: r.reader,
    condition: r.condition,
    n: r.n,
    values: METRICS.map((m) => r[m]),
  }));
  if (report.sensitivity) {
    rows.push({
      who: 'model',
      condition: thresholdText(report),
      n: report.n,
      values: METRICS.map((m) => report[m]!),
    });
  }
  return rows;
}

const percent = (x: number | null) => (x === null ? '' : (100 * x).toFixed(1));

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per reader reading (and the model): k, n, estimate and exact CI of each metric, in percent. */
export function readerTableCsv(report: EvaluationReport): string {
  const header = ['who', 'condition', 'cases'];
  for (const m of METRICS) header.push(`${m}_k`, `${m}_n`, `${m}_pct`, `${m}_ci_low_pct`, `${m}_ci_high_pct`);
  const lines = [header.join(',')];
  for (const row of rowsOf(report)) {
    const fields: (string | number)[] = [row.who, row.condition, row.n];
    for (const p of row.values)
      fields.push(p.k, p.n, percent(p.estimate), percent(p.ci?.[0] ?? null), percent(p.ci?.[1] ?? null));
    lines.push(fields.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/** "22/25, 88% (69–97)" as the paper prints a proportion. */
export function formatProportion(p: Proportion | null): string {
  if (!p || p.estimate === null || !p.ci) return 'n/a';
  return `${p.k}/${p.n}, ${Math.round(100 * p.estimate)}% (${Math.round(100 * p.ci[0])}–${Math.round(100 * p.ci[1])})`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|');

export function readerTableMarkdown(report: EvaluationReport): string {
  const lines = [
    '| Reader | Condition | Cases | Sensitivity | Specificity | Accuracy | PPV | NPV |',
    '|---|---|---:|---|---|---|---|---|',
  ];
  for (const row of rowsOf(report)) {
    lines.push(
      `| ${[row.who, row.condition, String(row.n), ...row.values.map(formatProportion)].map(mdCell).join(' | ')} |`,
    );
  }
  if (report.readerComparisons.length > 0) {
    lines.push(
      '',
      '| Reader | Paired cases | Sensitivity unaided → aided (McNemar p) | Specificity unaided → aided (p) | Accuracy unaided → aided (p) |',
      '|---|---:|---|---|---|',
    );
    for (const c of report.readerComparisons) {
      const cell = (x: (typeof c)['sensitivity']) =>
        `${formatProportion(x.unaided)} → ${formatProportion(x.aided)} (${formatP(x.mcnemarP)})`;
      lines.push(
        `| ${[c.reader, String(c.n), cell(c.sensitivity), cell(c.specificity), cell(c.accuracy)].map(mdCell).join(' | ')} |`,
      );
    }
  }
  lines.push('', 'Proportions: k/n, percent (exact Clopper-Pearson 95% CI).');
  lines.push(
    `PPV and NPV hold at this sample's prevalence (${report.positives}/${report.n}, ${Math.round((100 * report.positives) / report.n)}%); they do not transfer to another prevalence.`,
  );
  if (report.readerComparisons.length > 0)
    lines.push(
      'McNemar: exact, two-sided, on the discordant paired cases; not adjusted for multiple comparisons.',
    );
  if (report.thresholdSource?.sameSet)
    lines.push(
      "The model's threshold was chosen on these same cases, so its sensitivity and specificity here are optimistic; choose it on a validation set (--threshold-from) to report them.",
    );
  return lines.join('\n') + '\n';
}

/** The model's threshold and where it came from, e.g. "threshold 0.63 (Youden on these cases: optimistic)". */
export function thresholdText(report: EvaluationReport): string {
  const src = report.thresholdSource;
  const base = `threshold ${report.threshold}`;
  if (!src || src.method === 'given') return base;
  const how = src.method === 'youden' ? 'Youden' : `sensitivity >= ${src.targetSensitivity ?? '?'}`;
  return src.sameSet
    ? `${base} (${how} on these cases: optimistic)`
    : `${base} (${how} on ${src.set.split(/[\\/]/).pop()})`;
}

/** "p = .08", "p = .004", "p < .001", as journals print p-values. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'p n/a';
  if (p < 0.001) return 'p < .001';
  return `p = ${p.toFixed(p < 0.01 ? 3 : 2).replace(/^0/, '')}`;
}
