/**
 * The conditions a run can fail on (`--fail-on gap>500ms,loss>1%`, and the same words as live
 * alerts in the app): one grammar, one parser, one judge, for the CLI and the back end alike.
 *
 *   condition := METRIC OP VALUE[UNIT]        OP := > | < | >= | <=
 *
 * | metric  | for              | value                                 | measured as (at the end of a run)                       |
 * |---------|------------------|---------------------------------------|---------------------------------------------------------|
 * | gap     | listen, analyze  | a duration: 500ms, 1.5s, 2min          | the longest gap, the silence at the end included         |
 * | gaps    | listen, analyze  | a count                               | how many gaps                                            |
 * | loss    | listen, analyze  | a percentage: 1%                      | lost ÷ expected by the payload's sequence numbers        |
 * | packets | listen, analyze  | a count                               | packets received                                         |
 * | duty    | listen, analyze  | a percentage                          | share of the time from the first packet not in a gap     |
 * | rate    | listen, analyze  | 100KiB/s, 2MB/s, 8Mbit/s, 500pps      | the average over the run                                 |
 * | no-data | listen, analyze  | a duration                            | the longest time without a packet, from the start on     |
 * | services| browse           | a count                               | service instances found                                  |
 * | types   | browse           | a count                               | service types found                                      |
 * | rtt     | dns watch, probe | a duration                            | the slowest answer                                       |
 * | failures| dns watch, probe | a count                               | probes that got no answer                                |
 */
import { formatCount, formatDuration } from '../format';

/** What a set of conditions is about: a stream (listen, analyze), a Bonjour browse, or DNS probes. */
export type ConditionSubject = 'stream' | 'browse' | 'dns';

/** What a condition compares: one measured number of a run. */
export type Measure = 'gapMs' | 'gaps' | 'lossPercent' | 'packets' | 'dutyPercent' | 'bytesPerSec' | 'packetsPerSec' | 'noDataMs' | 'services' | 'types' | 'rttMs' | 'failures';

/** The comparisons a condition may use. */
export type ConditionOperator = '>' | '<' | '>=' | '<=';

/** A condition as parsed: what it compares, how, and its canonical spelling. */
export interface Condition {
  /** The condition in its canonical spelling, e.g. "gap>500ms": how it is named in every output. */
  text: string;
  metric: string;
  measure: Measure;
  op: ConditionOperator;
  /** The threshold in the measure's unit (ms, %, count, bytes/s, packets/s). */
  value: number;
}

type ValueKind = 'duration' | 'count' | 'percent' | 'rate';

interface MetricSpec {
  subject: ConditionSubject;
  kind: ValueKind;
  /** What it is, in a sentence's words ("the longest gap"). */
  words: string;
  measure?: Measure;
}

const METRICS: Record<string, MetricSpec> = {
  gap: { subject: 'stream', kind: 'duration', measure: 'gapMs', words: 'the longest gap' },
  gaps: { subject: 'stream', kind: 'count', measure: 'gaps', words: 'the number of gaps' },
  loss: { subject: 'stream', kind: 'percent', measure: 'lossPercent', words: 'the loss' },
  packets: { subject: 'stream', kind: 'count', measure: 'packets', words: 'the number of packets received' },
  duty: { subject: 'stream', kind: 'percent', measure: 'dutyPercent', words: 'the duty cycle' },
  rate: { subject: 'stream', kind: 'rate', words: 'the average rate' },
  'no-data': { subject: 'stream', kind: 'duration', measure: 'noDataMs', words: 'the longest time without data' },
  services: { subject: 'browse', kind: 'count', measure: 'services', words: 'the number of services found' },
  types: { subject: 'browse', kind: 'count', measure: 'types', words: 'the number of service types found' },
  rtt: { subject: 'dns', kind: 'duration', measure: 'rttMs', words: 'the slowest answer' },
  failures: { subject: 'dns', kind: 'count', measure: 'failures', words: 'the number of probes without an answer' },
};

const SUBJECT_WORDS: Record<ConditionSubject, string> = { stream: 'listen and analyze', browse: 'browse', dns: 'dns watch and dns probe' };
const EXAMPLES: Record<ConditionSubject, string> = { stream: 'gap>500ms, loss>1%, packets<1000', browse: 'services<1, types<2', dns: 'rtt>100ms, failures>0' };

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, min: 60_000, m: 60_000 };
/** Byte rates: IEC as Gapscope prints them (KiB/s), SI as people type them (kB/s, MB/s), and bit rates as links are specified. */
const RATE_UNITS: Record<string, { perSec: number; measure: Measure }> = {
  'b/s': { perSec: 1, measure: 'bytesPerSec' },
  'kib/s': { perSec: 1024, measure: 'bytesPerSec' },
  'mib/s': { perSec: 1024 ** 2, measure: 'bytesPerSec' },
  'gib/s': { perSec: 1024 ** 3, measure: 'bytesPerSec' },
  'kb/s': { perSec: 1000, measure: 'bytesPerSec' },
  'mb/s': { perSec: 1e6, measure: 'bytesPerSec' },
  'gb/s': { perSec: 1e9, measure: 'bytesPerSec' },
  'bit/s': { perSec: 1 / 8, measure: 'bytesPerSec' },
  'kbit/s': { perSec: 1000 / 8, measure: 'bytesPerSec' },
  'mbit/s': { perSec: 1e6 / 8, measure: 'bytesPerSec' },
  'gbit/s': { perSec: 1e9 / 8, measure: 'bytesPerSec' },
  pps: { perSec: 1, measure: 'packetsPerSec' },
  'pkt/s': { perSec: 1, measure: 'packetsPerSec' },
};

/** A condition that cannot be read: the sentence says what is wrong and how to write it. */
export class ConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionError';
  }
}

const SHAPE = /^([a-z][a-z-]*)\s*(>=|<=|>|<)\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*([a-z/%]*)$/i;

/** Reads one condition for `subject`; throws a ConditionError whose sentence names what is wrong and shows the right spelling. */
export function parseCondition(text: string, subject: ConditionSubject): Condition {
  const t = text.trim();
  const known = Object.keys(METRICS).filter((m) => METRICS[m]!.subject === subject);
  const list = `${known.slice(0, -1).join(', ')} and ${known.at(-1)}`;
  if (t === '') throw new ConditionError(`A condition is empty: write METRIC>VALUE or METRIC<VALUE, e.g. ${EXAMPLES[subject]}.`);
  const m = SHAPE.exec(t);
  if (!m) {
    const name = /^[a-z][a-z-]*/i.exec(t)?.[0]?.toLowerCase();
    if (name && !METRICS[name]) throw new ConditionError(`"${t}": ${name} is not a condition Gapscope knows; ${SUBJECT_WORDS[subject]} take ${list} (e.g. ${EXAMPLES[subject]}).`);
    if (name && !/(>=|<=|>|<)/.test(t)) throw new ConditionError(`"${t}" has no comparison: write ${name}>VALUE or ${name}<VALUE (quote it in a shell: '${name}>…').`);
    throw new ConditionError(`"${t}" is not a condition: write METRIC>VALUE or METRIC<VALUE with a number, e.g. ${EXAMPLES[subject]}.`);
  }
  const metric = m[1]!.toLowerCase();
  const op = m[2] as ConditionOperator;
  const number = Number(m[3]);
  const unit = m[4]!.toLowerCase();
  const spec = METRICS[metric];
  if (!spec) throw new ConditionError(`"${t}": ${metric} is not a condition Gapscope knows; ${SUBJECT_WORDS[subject]} take ${list} (e.g. ${EXAMPLES[subject]}).`);
  if (spec.subject !== subject) throw new ConditionError(`"${t}" is a condition for ${SUBJECT_WORDS[spec.subject]}; ${SUBJECT_WORDS[subject]} take ${list}.`);
  if (number < 0) throw new ConditionError(`"${t}": the value cannot be negative.`);
  switch (spec.kind) {
    case 'duration': {
      if (unit === '') throw new ConditionError(`"${t}" needs a unit: ms, s or min (e.g. ${metric}${op}${m[3]}ms).`);
      const scale = DURATION_UNITS[unit];
      if (scale === undefined) throw new ConditionError(`"${t}": ${metric} is a duration; its unit is ms, s or min, not ${m[4]}.`);
      const value = number * scale;
      return { text: `${metric}${op}${durationText(value)}`, metric, measure: spec.measure!, op, value };
    }
    case 'percent': {
      if (unit !== '%') throw new ConditionError(`"${t}": ${metric} is a percentage; write it with %, e.g. ${metric}${op}${m[3]}%.`);
      if (number > 100) throw new ConditionError(`"${t}": a percentage is 0 to 100.`);
      return { text: `${metric}${op}${number}%`, metric, measure: spec.measure!, op, value: number };
    }
    case 'count': {
      if (unit !== '') throw new ConditionError(`"${t}": ${metric} is a count; write a whole number without a unit, e.g. ${metric}${op}${Math.round(number)}.`);
      if (!Number.isInteger(number)) throw new ConditionError(`"${t}": ${metric} is a count; write a whole number, e.g. ${metric}${op}${Math.round(number)}.`);
      return { text: `${metric}${op}${number}`, metric, measure: spec.measure!, op, value: number };
    }
    case 'rate': {
      const r = RATE_UNITS[unit];
      if (!r) throw new ConditionError(`"${t}" needs a rate unit: B/s, KiB/s, MiB/s, kB/s, MB/s, kbit/s, Mbit/s or pps (e.g. rate${op}${m[3]}KiB/s).`);
      const canonical = Object.keys(RATE_UNITS).includes(unit) ? m[4]! : unit;
      return { text: `${metric}${op}${number}${canonical}`, metric, measure: r.measure, op, value: number * r.perSec };
    }
  }
}

/**
 * Reads --fail-on values: each may hold several conditions separated by commas; a condition given
 * twice counts once. Throws a ConditionError for the first bad one.
 */
export function parseConditions(texts: readonly string[], subject: ConditionSubject): Condition[] {
  const out: Condition[] = [];
  for (const text of texts) {
    const parts = text.split(',').filter((p) => p.trim() !== '');
    // "--fail-on ''" is a mistake, not "no conditions": say so.
    if (parts.length === 0) parseCondition('', subject);
    for (const part of parts) {
      const c = parseCondition(part, subject);
      if (!out.some((o) => o.text === c.text)) out.push(c);
    }
  }
  return out;
}

/** The measured numbers of a run; a measure that could not be taken is null with the reason (e.g. loss without sequence numbers). */
export type Facts = Partial<Record<Measure, number | { unknown: string }>>;

/** How one condition came out. */
export interface ConditionResult {
  condition: string;
  /** True when the condition is met, so the run fails; a measure that could not be taken fails too (a check that cannot be made is not a pass). */
  failed: boolean;
  /** The measured value in the condition's unit (ms, %, count, bytes/s, packets/s); null when it could not be measured. */
  actual: number | null;
  /** One sentence: what was measured against the condition. */
  sentence: string;
}

/** The judgement of a run: ok when no condition failed; `failed` names the conditions that did, in the order given. */
export interface Verdict {
  ok: boolean;
  failed: string[];
  conditions: ConditionResult[];
}

/** True when `actual OP value` holds. */
function holds(actual: number, op: ConditionOperator, value: number): boolean {
  switch (op) {
    case '>':
      return actual > value;
    case '<':
      return actual < value;
    case '>=':
      return actual >= value;
    case '<=':
      return actual <= value;
  }
}

/** Judges one condition against the facts. */
export function judgeCondition(c: Condition, facts: Facts): ConditionResult {
  const words = METRICS[c.metric]?.words ?? c.metric;
  const fact = facts[c.measure];
  if (fact === undefined || typeof fact !== 'number') {
    const why = fact === undefined ? 'it is not measured here' : fact.unknown;
    return { condition: c.text, failed: true, actual: null, sentence: `${c.text} could not be checked: ${why}.` };
  }
  const failed = holds(fact, c.op, c.value);
  const shown = valueText(c, fact);
  return { condition: c.text, failed, actual: round(fact), sentence: failed ? `${c.text} failed: ${words} was ${shown}.` : `${c.text} passed: ${words} was ${shown}.` };
}

/** Judges every condition: the one verdict that the CLI prints, puts in its JSON and turns into exit code 3. */
export function judge(conditions: readonly Condition[], facts: Facts): Verdict {
  const results = conditions.map((c) => judgeCondition(c, facts));
  const failed = results.filter((r) => r.failed).map((r) => r.condition);
  return { ok: failed.length === 0, failed, conditions: results };
}

/** A measured value in the condition's own unit, for a sentence. */
function valueText(c: Condition, v: number): string {
  switch (c.measure) {
    case 'gapMs':
    case 'noDataMs':
    case 'rttMs':
      return formatDuration(v);
    case 'lossPercent':
    case 'dutyPercent':
      return `${v < 10 ? v.toFixed(2) : v.toFixed(1)}%`;
    case 'bytesPerSec': {
      const unit = /[a-z/%]+$/i.exec(c.text)?.[0] ?? 'B/s';
      const r = RATE_UNITS[unit.toLowerCase()];
      return r ? `${trim(v / r.perSec)} ${unit}` : `${trim(v)} B/s`;
    }
    case 'packetsPerSec':
      return `${trim(v)} packets/s`;
    default:
      return formatCount(v);
  }
}

function durationText(ms: number): string {
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${trim(ms)}ms`;
}

function trim(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
