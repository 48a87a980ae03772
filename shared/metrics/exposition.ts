/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: metric families with
 * HELP and TYPE, label values escaped, numbers in Go's float syntax, histograms as cumulative
 * buckets ending with le="+Inf" equal to _count. A programming slip (a bad metric or label name,
 * a histogram whose counts do not add up, the same series twice) throws instead of emitting text
 * a scraper would reject.
 */

/** The Content-Type a scraper expects for this format. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Labels of one series: bounded, chosen by the collector (never per packet or per gap). */
export type Labels = Readonly<Record<string, string>>;

/** One series of a counter or a gauge. */
export interface ScalarSample {
  labels: Labels;
  value: number;
}

/** One series of a histogram: counts per bucket (not cumulative; the last is above the last bound). */
export interface HistogramSample {
  labels: Labels;
  /** Upper bounds, ascending, without +Inf. */
  bounds: readonly number[];
  /** One count per bound plus one for the values above the last bound. */
  counts: readonly number[];
  sum: number;
}

/** A metric family as it is exposed. */
export type MetricFamily =
  | { name: string; help: string; type: 'counter' | 'gauge'; samples: ScalarSample[] }
  | { name: string; help: string; type: 'histogram'; samples: HistogramSample[] };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A number as Prometheus parses it (Go's ParseFloat): +Inf, -Inf, NaN, or a decimal. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** HELP text: backslash and line feed escaped. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A label value: backslash, double quote and line feed escaped. */
export function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  for (const [name] of pairs) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`"${name}" is not a label name Prometheus accepts`);
  }
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function histogramLines(name: string, s: HistogramSample): string[] {
  if (s.counts.length !== s.bounds.length + 1) throw new Error(`${name}: ${s.bounds.length} bounds need ${s.bounds.length + 1} counts, got ${s.counts.length}`);
  if ('le' in s.labels) throw new Error(`${name}: "le" is the bucket label and cannot be a series label`);
  for (let i = 1; i < s.bounds.length; i++) {
    if (!(s.bounds[i]! > s.bounds[i - 1]!)) throw new Error(`${name}: bucket bounds must increase`);
  }
  const lines: string[] = [];
  let cumulative = 0;
  s.bounds.forEach((bound, i) => {
    cumulative += s.counts[i]!;
    lines.push(`${name}_bucket${labelText(s.labels, ['le', formatValue(bound)])} ${cumulative}`);
  });
  cumulative += s.counts[s.bounds.length]!;
  lines.push(`${name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${cumulative}`);
  lines.push(`${name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
  lines.push(`${name}_count${labelText(s.labels)} ${cumulative}`);
  return lines;
}

/** The exposition of these families, in their order, ending with a line feed. */
export function encodeExposition(families: readonly MetricFamily[]): string {
  const names = new Set<string>();
  const lines: string[] = [];
  for (const f of families) {
    if (!METRIC_NAME.test(f.name)) throw new Error(`"${f.name}" is not a metric name Prometheus accepts`);
    if (names.has(f.name)) throw new Error(`metric family ${f.name} appears twice`);
    names.add(f.name);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    const seen = new Set<string>();
    for (const s of f.samples) {
      const key = seriesKey(s.labels);
      if (seen.has(key)) throw new Error(`${f.name}: the series ${labelText(s.labels)} appears twice`);
      seen.add(key);
      if (f.type === 'histogram') lines.push(...histogramLines(f.name, s as HistogramSample));
      else lines.push(`${f.name}${labelText(s.labels)} ${formatValue((s as ScalarSample).value)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Counts of observations in fixed buckets, as a histogram series needs them. */
export class BucketCounts {
  readonly counts: number[];
  sum = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /** Counts one observation in the first bucket whose bound is at least `value` (Prometheus's le). */
  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
  }

  /** How many observations so far. */
  get count(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** The series for the exposition, with these labels. */
  sample(labels: Labels): HistogramSample {
    return { labels, bounds: this.bounds, counts: [...this.counts], sum: this.sum };
  }
}
