/**
 * Query files for `dns load -d`, in dnsperf's input format: one query a line, a name and a record
 * type separated by spaces ("www.example.com A"); blank lines and lines starting with ';' are skipped.
 * Every line is checked with the same rules as a name or type given on the command line, and a bad
 * line is named by its number, so that a load never starts on a file that is not what was meant.
 */
import { GapscopeError } from '../errors';
import { bareDnsName, canonicalQueryType, dnsNameProblem } from './names';

/** One query of a load: the name and the canonical type. */
export interface LoadQuery {
  name: string;
  type: string;
}

/** Most queries one load takes from a file (dnsperf cycles through its file; so does Gapscope). */
export const MAX_LOAD_QUERIES = 100_000;

/** How many bad lines one error names before "and N more". */
const SHOWN_PROBLEMS = 5;

/** Why one line is not a query, or null when it is one (or is blank or a comment). */
function lineProblem(words: string[]): string | null {
  if (words.length !== 2) return `expected a name and a record type ("www.example.com A"), found ${words.length === 1 ? 'one word' : `${words.length} words`}`;
  const nameProblem = dnsNameProblem(words[0]!);
  if (nameProblem) return nameProblem;
  try {
    canonicalQueryType(words[1]!);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return null;
}

/** Reads a query file's text into its queries, in file order; a bad line, an empty file or too many lines is an invalid-argument error naming the lines. */
export function parseQueryFile(text: string, label = 'the query file'): LoadQuery[] {
  const queries: LoadQuery[] = [];
  const problems: string[] = [];
  let bad = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith(';')) continue;
    const words = line.split(/\s+/);
    const problem = lineProblem(words);
    if (problem) {
      bad += 1;
      if (problems.length < SHOWN_PROBLEMS) problems.push(`line ${i + 1} ("${line.length > 60 ? `${line.slice(0, 60)}…` : line}"): ${problem}`);
      continue;
    }
    if (queries.length === MAX_LOAD_QUERIES) {
      throw new GapscopeError('invalid-argument', `${label} holds more than ${MAX_LOAD_QUERIES.toLocaleString('en-US')} queries; a load takes at most that many (it cycles through them).`, 'queries');
    }
    queries.push({ name: bareDnsName(words[0]!), type: canonicalQueryType(words[1]!) });
  }
  if (bad > 0) {
    const more = bad > problems.length ? `; and ${bad - problems.length} more bad lines` : '';
    throw new GapscopeError('invalid-argument', `${label} has ${bad === 1 ? 'a line that is not a query' : `${bad} lines that are not queries`}: ${problems.join('; ')}${more}.`, 'queries');
  }
  if (queries.length === 0) throw new GapscopeError('invalid-argument', `${label} holds no query: write one a line, a name and a record type ("www.example.com A").`, 'queries');
  return queries;
}
