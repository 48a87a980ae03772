/**
 * The door's words: turns a contract schema's refusal into one sentence about the field, in the
 * user's words, with what to do; never a method name or the schema library's own wording.
 */
import type { z } from 'zod';

/** Field keys whose words differ from the key (units dropped, abbreviations spelled out). */
const FIELD_WORDS: Record<string, string> = {
  iface: 'interface',
  ifaces: 'interfaces',
  qps: 'rate',
  ttl: 'TTL',
  txt: 'TXT record',
  'txt[]': 'TXT entry',
  ca: 'CA certificate',
  servername: 'server name',
  edns: 'EDNS setting',
  decode: 'payload format',
  binMs: 'bin width',
  gapMs: 'gap threshold',
  flowB: 'flow in the second capture',
  otherPath: 'second capture file',
  path: 'capture file',
  fromS: 'start of the range',
  toS: 'end of the range',
  maxOutstanding: 'number of queries in flight',
  sockets: 'socket pool',
  recvBufferBytes: 'receive buffer',
  expectedBytesPerSec: 'expected byte rate',
  expectedPacketsPerSec: 'expected packet rate',
  pair: 'pairing',
  stepSec: 'step time',
};

/** What a refusal says: the sentence, and the field it concerns (absent when no field is named). */
export interface InputError {
  message: string;
  field?: string;
}

const DEFAULT_MARK = '\u0000';

/**
 * Words for the schema library's own refusals (wrong type, too small, unknown setting…), used only
 * where the contract gave no message of its own; marked so that `describeInputError` knows them.
 */
export function defaultFragment(issue: { code?: string; input?: unknown; expected?: string; origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean; values?: readonly unknown[]; keys?: readonly string[]; divisor?: unknown }): string {
  const f = ((): string => {
    switch (issue.code) {
      case 'invalid_type':
        if (issue.input === undefined || issue.input === null) return 'missing';
        if (issue.expected === 'number') return 'must be a number';
        if (issue.expected === 'int') return 'must be a whole number';
        if (issue.expected === 'string') return 'must be text';
        if (issue.expected === 'boolean') return 'must be on or off';
        if (issue.expected === 'array' || issue.expected === 'tuple') return 'must be a list';
        return 'is not valid';
      case 'too_small':
        if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters long`;
        if (issue.origin === 'array' || issue.origin === 'set') return `must have at least ${String(issue.minimum)} entries`;
        return issue.inclusive === false ? `must be more than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
      case 'too_big':
        if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters long`;
        if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${String(issue.maximum)} entries`;
        return issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
      case 'invalid_value':
        return `must be one of ${(issue.values ?? []).map(String).join(', ')}`;
      case 'unrecognized_keys':
        return `unknown:${(issue.keys ?? []).join(', ')}`;
      case 'not_multiple_of':
        return `must be a multiple of ${String(issue.divisor)}`;
      default:
        return 'is not valid';
    }
  })();
  return DEFAULT_MARK + f;
}

/** The key's words: a known word, else camelCase split ("streamId" → "stream id"), units dropped. */
export function fieldWords(key: string): string {
  if (FIELD_WORDS[key]) return FIELD_WORDS[key];
  const bare = key.replace(/(Ms|Sec|S|Bytes)$/, '') || key;
  return bare.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The name a positional argument was given with `.describe(…)` in the contract, looking through optional, default and pipes. */
function describedName(schema: z.ZodType | undefined): string | undefined {
  let s = schema as unknown as { description?: string; def?: { innerType?: unknown; in?: unknown } } | undefined;
  for (let depth = 0; s && depth < 8; depth++) {
    if (s.description) return s.description;
    s = (s.def?.innerType ?? s.def?.in) as typeof s;
  }
  return undefined;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function period(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/**
 * One sentence for the first thing wrong with a request's arguments, and the field it concerns:
 * "The port must be at least 1.", "Give the server.", "Gapscope does not know the setting "x".".
 */
export function describeInputError(args: z.ZodTuple, issues: readonly { path: readonly PropertyKey[]; message: string }[]): InputError {
  const issue = issues[0];
  if (!issue) return { message: 'Something in the request is not valid.' };
  const path = issue.path;
  const keys = path.filter((p): p is string => typeof p === 'string');
  const items = (args as unknown as { def: { items: z.ZodType[] } }).def.items;
  // A positional argument is named by its .describe() in the contract; an object's field by its key.
  const positional = path.length >= 1 && typeof path[0] === 'number' && keys.length === 0 ? describedName(items[path[0]]) : undefined;
  const field = keys.length > 0 ? keys.join('.') : positional;
  const lastKey = keys.at(-1) ?? positional;
  const isItem = typeof path.at(-1) === 'number' && keys.length > 0;
  const label = lastKey === undefined ? 'value' : isItem ? (FIELD_WORDS[`${lastKey}[]`] ?? fieldWords(lastKey.replace(/s$/, ''))) : fieldWords(lastKey);
  const withField = (message: string): InputError => (field === undefined ? { message } : { message, field });

  if (issue.message.startsWith(DEFAULT_MARK)) {
    const fragment = issue.message.slice(1);
    if (fragment === 'missing') return withField(`Give the ${label}.`);
    if (fragment.startsWith('unknown:')) {
      const unknown = fragment.slice('unknown:'.length).split(', ')[0] ?? '';
      const key = [...keys, unknown].join('.');
      return { message: `Gapscope does not know the setting "${unknown.slice(0, 40)}"; leave it out.`, field: key };
    }
    return withField(`The ${label} ${fragment}.`);
  }
  // The contract's own words: "is not …" and "must …" read after the field's name; anything else is a sentence already.
  const m = issue.message.trim();
  if (/^(is|are|must|may|has|cannot|should) /.test(m)) return withField(period(`The ${label} ${m}`));
  return withField(period(capitalize(m)));
}
