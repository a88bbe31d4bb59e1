import type { AgreementReport, KappaEstimate } from './agreement';
import type { EvaluationReport } from './evaluation';
import { formatP, formatProportion } from './reader-table';

const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);

/** Human-readable summary of `sij evaluate`, the numbers as the paper prints them. */
export function evaluationText(r: EvaluationReport): string {
  const out = [`${r.source}: ${r.n} cases (${r.positives} positive, ${r.negatives} negative)`];
  if (r.auc !== null && r.aucCi) {
    out.push(
      `AUC ${f3(r.auc)}  95% CI bootstrap ${f3(r.aucCi.bootstrap[0])}–${f3(r.aucCi.bootstrap[1])} ` +
        `(${r.bootstrap.resamples} stratified resamples, seed ${r.bootstrap.seed}); DeLong ${f3(r.aucCi.delong[0])}–${f3(r.aucCi.delong[1])}`,
    );
  }
  if (r.threshold !== null && r.thresholdSource) {
    const s = r.thresholdSource;
    let how = 'given';
    if (s.method !== 'given') {
      const rule = s.method === 'youden' ? 'Youden index' : `target sensitivity ${s.targetSensitivity}`;
      const there = s.operatingPoint
        ? `: sensitivity ${Math.round(100 * s.operatingPoint.sensitivity)}%, specificity ${Math.round(100 * s.operatingPoint.specificity)}% there`
        : '';
      how = `${rule} on ${s.sameSet ? 'these same cases' : s.set}${there}`;
    }
    out.push(`Threshold ${Number(r.threshold.toPrecision(6))} (score >= threshold is positive; ${how})`);
    if (s.sameSet) {
      out.push(
        '  note: chosen on the cases it is evaluated on, so optimistic; use --threshold-from <validation.csv>',
      );
    }
    out.push(`  Sensitivity  ${formatProportion(r.sensitivity)}`);
    out.push(`  Specificity  ${formatProportion(r.specificity)}`);
    out.push(`  Accuracy     ${formatProportion(r.accuracy)}`);
    out.push(`  PPV          ${formatProportion(r.ppv)}`);
    out.push(`  NPV          ${formatProportion(r.npv)}`);
    const c = r.confusion!;
    out.push(`  Confusion    TP ${c.tp}  FP ${c.fp}  TN ${c.tn}  FN ${c.fn}`);
    out.push('  (proportions: k/n, percent, exact Clopper-Pearson 95% CI)');
  }
  if (r.validationComparison) {
    const v = r.validationComparison;
    const row = (name: string, c: typeof v.prevalence) =>
      `  ${name.padEnd(12)} ${formatProportion(c.validation)} vs ${formatProportion(c.evaluated)}; Fisher ${formatP(c.fisherP)}`;
    out.push(`${v.set} vs this set at the same threshold:`);
    out.push(
      row('Prevalence', v.prevalence),
      row('Sensitivity', v.sensitivity),
      row('Specificity', v.specificity),
      row('Accuracy', v.accuracy),
    );
  }
  for (const c of r.scoreComparisons) {
    out.push(
      `${c.column}: AUC ${f3(c.auc)} (bootstrap ${f3(c.aucCi.bootstrap[0])}–${f3(c.aucCi.bootstrap[1])}); ` +
        `score vs ${c.column}: DeLong ${formatP(c.delong.p)}, paired bootstrap ${formatP(c.bootstrap.p)}`,
    );
  }
  if (r.readers.length > 0) {
    out.push('Readers against the same reference standard:');
    for (const p of r.readers) {
      const label = p.condition === 'plain' ? p.reader : `${p.reader} (${p.condition})`;
      out.push(
        `  ${label.padEnd(16)} sens ${formatProportion(p.sensitivity)}; spec ${formatProportion(p.specificity)}; acc ${formatProportion(p.accuracy)}`,
      );
    }
  }
  for (const c of r.readerComparisons) {
    const cell = (x: (typeof c)['sensitivity']) =>
      `${Math.round(100 * (x.unaided.estimate ?? NaN))}% → ${Math.round(100 * (x.aided.estimate ?? NaN))}% (McNemar ${formatP(x.mcnemarP)})`;
    out.push(
      `  ${c.reader} without → with model (${c.n} cases): sensitivity ${cell(c.sensitivity)}, specificity ${cell(c.specificity)}, accuracy ${cell(c.accuracy)}`,
    );
  }
  return out.join('\n') + '\n';
}

function kappaText(k: KappaEstimate): string {
  if (k.kappa === null) return `undefined (${k.reason})`;
  return `${f2(k.kappa)} (95% CI ${f2(k.ci[0])}, ${f2(k.ci[1])}; ${formatP(k.p)}; ${k.n} cases)`;
}

/** Human-readable summary of `sij agreement`. */
export function agreementText(r: AgreementReport): string {
  const out = [`${r.source}: ${r.cases} cases${r.modelCalls ? `; model calls from ${r.modelCalls}` : ''}`];
  for (const g of r.groups) {
    const name = g.condition === 'plain' ? 'Readers' : `Readers, ${g.condition}`;
    out.push(`${name}: ${g.readers.join(', ')}`);
    out.push(
      `  Fleiss' kappa ${kappaText(g.fleiss)}${g.fleiss.kappa !== null ? ' [CI: case bootstrap]' : ''}`,
    );
    if (g.excludedCases.length > 0)
      out.push(`  (${g.excludedCases.length} case(s) not read by every reader left out of Fleiss' kappa)`);
    for (const p of g.pairwise) out.push(`  Cohen's kappa ${p.a} vs ${p.b}: ${kappaText(p.cohen)}`);
    if (g.model) {
      out.push(`  Fleiss' kappa with the model as one more rater: ${kappaText(g.model.fleissWithModel)}`);
      for (const p of g.model.cohenWithReaders)
        out.push(`  Cohen's kappa ${p.a} vs model: ${kappaText(p.cohen)}`);
    }
    if (g.majority) {
      const m = g.majority;
      out.push(
        `  Reference "at least ${m.atLeast} of ${m.of}": ${m.positive} positive, ${m.negative} negative` +
          (m.adjudicated.length ? ` (${m.adjudicated.length} by adjudication)` : '') +
          `, ${m.unresolved.length} without majority` +
          (m.unresolved.length ? ` (${m.unresolved.join(', ')}) — adjudicate these` : ''),
      );
    }
  }
  return out.join('\n') + '\n';
}
