/** Small statistics helpers used by the reception analysis; exact and allocation-light. */

/** The q-quantile (0..1) of values by linear interpolation, or null for no values. Sorts a copy. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  return quantileOfSorted(Float64Array.from(values).sort(), q);
}

/** The q-quantile of values already sorted ascending, or null: several quantiles from one sort. */
export function quantileOfSorted(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** The median of values, or null. */
export function median(values: readonly number[]): number | null {
  return quantile(values, 0.5);
}

/** Robust relative spread: median absolute deviation scaled to σ, over the median (0 = all equal). */
export function robustSpread(values: readonly number[]): number | null {
  const m = median(values);
  if (m === null || m === 0) return null;
  const dev = median(values.map((v) => Math.abs(v - m)))!;
  return (1.4826 * dev) / Math.abs(m);
}
