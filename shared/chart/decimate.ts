/**
 * Decimation of long series for display: a chart of a few thousand pixels cannot show more
 * points than that, and drawing hundreds of thousands of them makes the UI stutter. Pure code,
 * independent of React and recharts, so the CLI or a report could use it too.
 */

/**
 * Picks at most maxPoints indices of values[from, to) keeping each bucket's minimum and maximum,
 * so that a spike and a gap (a run of zeros) survive even when thousands of bins share a pixel.
 * Indices come back in increasing order.
 */
export function decimateMinMax(values: ArrayLike<number>, from: number, to: number, maxPoints: number): number[] {
  const start = Math.max(0, Math.floor(from));
  const end = Math.min(values.length, Math.ceil(to));
  const count = end - start;
  if (count <= 0) return [];
  const budget = Math.max(2, Math.floor(maxPoints));
  if (count <= budget) {
    const all = new Array<number>(count);
    for (let i = 0; i < count; i++) all[i] = start + i;
    return all;
  }
  const buckets = Math.floor(budget / 2);
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = start + Math.floor((b * count) / buckets);
    const hi = start + Math.floor(((b + 1) * count) / buckets);
    if (hi <= lo) continue;
    let minIdx = lo;
    let maxIdx = lo;
    let min = values[lo] ?? 0;
    let max = min;
    for (let i = lo + 1; i < hi; i++) {
      const v = values[i] ?? 0;
      if (v < min) {
        min = v;
        minIdx = i;
      } else if (v > max) {
        max = v;
        maxIdx = i;
      }
    }
    if (minIdx === maxIdx) out.push(minIdx);
    else if (minIdx < maxIdx) out.push(minIdx, maxIdx);
    else out.push(maxIdx, minIdx);
  }
  return out;
}
