/** Hoare's quickselect: rearranges `a` so a[k] is the k-th smallest; returns it. O(n) on average. */
function select(a: Float32Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as pivot avoids quadratic time on sorted input
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/**
 * The p-quantile (0..1) with linear interpolation between order statistics (numpy's default
 * 'linear' method). Reorders `values` in place; pass a copy to keep the original.
 */
export function quantileInPlace(values: Float32Array, p: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const pos = (n - 1) * p;
  const lo = Math.floor(pos);
  const a = select(values, lo);
  if (lo + 1 >= n || pos === lo) return a;
  // after select, everything right of lo is >= a[lo]: the next order statistic is their minimum
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (values[i] < b) b = values[i];
  return a + (pos - lo) * (b - a);
}
