import type { Comparison } from './comparison';

const yn = (a: 'yes' | 'no' | null) => a ?? '-';
const pad = (s: string, n: number) => s.padEnd(n);

/** The comparison as plain text for the terminal: what differs is marked with '*'. */
export function comparisonText(c: Comparison): string {
  const labels = c.readers.map((r) => r.label);
  const w = Math.max(12, ...labels.map((l) => l.length + 2));
  const lines: string[] = [`Study ${c.studyInstanceUid}: ${labels.length} readings`];
  for (const r of c.readers) {
    const where = r.origin === 'imported' ? `imported${r.match ? `, exam ${r.match.status}` : ''}` : r.origin;
    lines.push(
      `  ${r.label}: ${r.readingId} v${r.version}, signed ${r.signedAt ?? 'no'} (${where}${r.blinded ? ', blinded' : ''})`,
    );
  }
  if (c.model)
    lines.push(
      `  model: ${c.model.modelName} ${c.model.modelId} ${c.model.modelVersion}${c.model.clinicalUse ? '' : ' (not for clinical use)'}`,
    );
  lines.push('', `  ${pad('judgement', 22)}${labels.map((l) => pad(l, w)).join('')}${pad('model', w)}`);
  for (const j of c.judgements) {
    const cells = j.readers.map((r) => {
      const before = r.changedAfterModel && r.unassisted ? ` (was ${r.unassisted.answer})` : '';
      const verdict = r.verdict === 'override' ? ' !' : '';
      return pad(`${yn(r.answer)}/${r.confidence ?? '-'}${verdict}${before}`, w);
    });
    const model = j.model ? `${j.model.answer} p=${j.model.probability.toFixed(2)}` : '';
    lines.push(`${j.readersAgree ? ' ' : '*'} ${pad(j.key, 22)}${cells.join('')}${model}`);
  }
  lines.push('', `  ${pad('score', 22)}${labels.map((l) => pad(l, w)).join('')}`);
  const scoreRow = (name: string, get: (i: number) => string) => {
    const values = labels.map((_, i) => get(i));
    lines.push(
      `${new Set(values).size > 1 ? '*' : ' '} ${pad(name, 22)}${values.map((v) => pad(v, w)).join('')}`,
    );
  };
  const s = (i: number) => c.readers[i].scores;
  scoreRow('SPARCC (0-72)', (i) => String(s(i).sparcc ?? 'no window'));
  scoreRow('SSS (0-120)', (i) => String(s(i).sss ?? 'no window'));
  scoreRow('Berlin (0-24)', (i) => String(s(i).berlin));
  scoreRow('ASAS positive (grid)', (i) => (s(i).asasPositive ? 'yes' : 'no'));
  scoreRow('definite active', (i) => (s(i).definiteActive ? 'yes' : 'no'));
  scoreRow('definite structural', (i) => (s(i).definiteStructural ? 'yes' : 'no'));
  const differing = c.grid.filter((g) => g.differs);
  lines.push('', `  grid: ${c.grid.length} marked positions, ${differing.length} differ`);
  for (const g of differing) {
    const feats = g.features
      .filter((f) => f.differs)
      .map((f) => `${f.feature} by ${labels.filter((_, i) => f.by[i]).join(', ')}`);
    lines.push(`*   slice ${g.slice} ${g.joint} ${g.quadrant}: ${feats.join('; ')}`);
  }
  if (c.overrides.length > 0) lines.push('', '  overrides of the model:');
  for (const o of c.overrides)
    lines.push(
      `    ${o.reader}: ${o.key} ${o.modelAnswer} -> ${o.readerAnswer} (${o.reasonCode}${o.reasonText ? `: ${o.reasonText}` : ''})`,
    );
  for (const p of c.pairs)
    lines.push(
      `  ${p.a} vs ${p.b}: ${p.cellsDiffering} grid positions, judgements differing: ${p.judgementsDiffering.join(', ') || 'none'}`,
    );
  if (c.notes.length > 0) lines.push('', ...c.notes.map((n) => `  note: ${n}`));
  return lines.join('\n') + '\n';
}
