/**
 * The exit codes of every `gapscope` command, distinct so that a script can tell them apart:
 * 0 done and every condition passed; 1 Gapscope could not do the work (a socket that would not
 * open, a file it cannot read, a stream that failed); 2 bad arguments (nothing was started);
 * 3 the work was done and a condition failed (a --fail-on condition, or a command's own check:
 * dns probe without an answer, net connect refused…).
 */
export const EXIT_OK = 0;
/** Gapscope could not do the work. */
export const EXIT_FAILED = 1;
/** Bad usage or arguments: nothing was started. */
export const EXIT_USAGE = 2;
/** The work was done and a condition failed. */
export const EXIT_CONDITION = 3;

/** Sets the process's exit code unless a graver one is set already (failed to run, bad arguments, then a condition). */
export function raiseExitCode(code: number, set: (code: number) => void = (c) => (process.exitCode = c), current: () => number = () => Number(process.exitCode ?? 0)): void {
  const rank = (c: number): number => (c === EXIT_USAGE ? 3 : c === EXIT_FAILED ? 2 : c === EXIT_CONDITION ? 1 : 0);
  if (rank(code) > rank(current())) set(code);
}
