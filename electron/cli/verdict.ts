/** `--fail-on` for the commands that judge a run: the option, and the verdict printed as one line per failed condition with exit code 3. */
import { Option } from 'commander';
import { GapscopeError } from '../../shared/errors';
import { ConditionError, parseConditions, type Condition, type ConditionSubject, type Verdict } from '../../shared/verdict/conditions';
import { EXIT_CONDITION } from './exitCodes';

const HELP: Record<ConditionSubject, string> = {
  stream: 'exit 3 when a condition holds at the end: gap>500ms, gaps>N, loss>1%, packets<1000, duty<95%, rate<100KiB/s|8Mbit/s|500pps, no-data>5s (repeatable or comma-separated; quote it in a shell)',
  browse: 'exit 3 when a condition holds at the end: services<N, types<N (repeatable or comma-separated; quote it in a shell)',
  dns: 'exit 3 when a condition holds at the end: rtt>100ms (the slowest answer), failures>N (probes without an answer) (repeatable or comma-separated; quote it in a shell)',
};

/** The --fail-on option for a subject: each value parsed at once, a bad one refused with the parser's sentence (exit 2). */
export function failOnOption(subject: ConditionSubject): Option {
  return new Option('--fail-on <condition>', HELP[subject]).argParser((text: string, previous: Condition[] = []) => {
    try {
      const next = parseConditions([text], subject);
      return [...previous, ...next.filter((c) => !previous.some((p) => p.text === c.text))];
    } catch (e) {
      if (e instanceof ConditionError) throw new GapscopeError('invalid-argument', `--fail-on: ${e.message}`);
      throw e;
    }
  });
}

/** Prints one line per failed condition on stderr and raises exit code 3 when any failed. */
export function announceVerdict(v: Verdict, err: (line: string) => void, setExitCode: (code: number) => void): void {
  for (const r of v.conditions) if (r.failed) err(`gapscope: ${r.sentence}`);
  if (!v.ok) setExitCode(EXIT_CONDITION);
}
