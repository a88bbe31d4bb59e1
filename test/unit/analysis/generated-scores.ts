import { seededRandom } from '../../../electron/analysis/random';

/** Binormal scores for seeded test sets; rounding makes ties, as real model outputs have. */
export function generateSet(
  seed: number,
  positives: number,
  negatives: number,
  separation: number,
  decimals: number,
): { truth: number[]; scores: number[] } {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const round = (x: number) => Number(x.toFixed(decimals));
  const truth: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < positives + negatives; i++) {
    const t = i < positives ? 1 : 0;
    truth.push(t);
    scores.push(round(normal() + (t === 1 ? separation : 0)));
  }
  return { truth, scores };
}

export function toCsv(truth: number[], ...columns: number[][]): string {
  const header = ['truth', ...columns.map((_, i) => `s${i + 1}`)].join(',');
  return [header, ...truth.map((t, i) => [t, ...columns.map((c) => c[i])].join(','))].join('\n') + '\n';
}
