/**
 * Runs the OS's tools (ip, iw, nmcli, resolvectl, scutil, powershell…) so that none outlives the
 * back end, SIGKILL included, and says plainly when a tool is not installed.
 *
 * Why a shell watchdog: Node cannot set PR_SET_PDEATHSIG on a child (no native module here, and
 * it is Linux-only), and a child killed with its parent's 'exit' handler is left running when the
 * parent is SIGKILLed. So on Linux and macOS each tool runs under `/bin/sh` with a pipe from the
 * back end on its standard input: the shell starts the tool, and a second branch of it blocks
 * reading that pipe. The kernel closes the pipe's write end when the back end dies, however it
 * dies; the read returns end-of-file and the shell ends the tool. The shell costs about a
 * millisecond and no Node process. On Windows libuv already puts every child in a job object that
 * kills it when the parent dies (KILL_ON_JOB_CLOSE), so tools are started directly there.
 */
import { execFile, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

/** What a tool printed and whether it could run at all. */
export interface CommandResult {
  ok: boolean;
  /** The tool is not installed (ENOENT). */
  missing: boolean;
  /** Not allowed to run it (EACCES/EPERM, or the tool said so). */
  denied: boolean;
  /** It ran past its time limit and was stopped. */
  timedOut: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one OS tool; the readers take it so that tests and the lab can replace it. */
export type Runner = (cmd: string, args: readonly string[], timeoutMs?: number) => Promise<CommandResult>;

/** The name the watchdog shell shows in `ps`, so a leftover is easy to find. */
export const WATCHDOG_NAME = 'gapscope-child';

// $@ is the tool and its arguments. fd 3 keeps the back end's pipe; the tool gets /dev/null as stdin.
// The reader branch ends the tool when the pipe closes (the back end died); a TERM to the shell
// (a timeout, or the back end stopping the tool) ends it too; the tool's exit status is the shell's.
const WATCHDOG = [
  'exec 3<&0 0</dev/null',
  '"$@" 3<&- &',
  'c=$!',
  '{ while read -r _ <&3; do :; done; kill -TERM "$c"; } >/dev/null 2>&1 &',
  'w=$!',
  'exec 3<&-',
  `trap 'kill -TERM "$c" 2>/dev/null' TERM INT HUP`,
  "trap '' PIPE",
  'wait "$c"; s=$?',
  'if kill -0 "$c" 2>/dev/null; then wait "$c"; s=$?; fi',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n');

const watched = process.platform !== 'win32';

/** The program and arguments that run `cmd args` under the watchdog (or directly on Windows). */
function watchedCommand(cmd: string, args: readonly string[]): [string, string[]] {
  return watched ? ['/bin/sh', ['-c', WATCHDOG, WATCHDOG_NAME, cmd, ...args]] : [cmd, [...args]];
}

/** Starts a long-running tool (e.g. `ip monitor`) that ends when the back end ends; `kill()` on it ends it too. Its stdin belongs to the watchdog. */
export function spawnTool(cmd: string, args: readonly string[], stdio: { stdout: 'pipe' | 'ignore'; stderr: 'pipe' | 'ignore' } = { stdout: 'pipe', stderr: 'ignore' }): ChildProcess {
  const [file, argv] = watchedCommand(cmd, args);
  const io: StdioOptions = [watched ? 'pipe' : 'ignore', stdio.stdout, stdio.stderr];
  const child = spawn(file, argv, { stdio: io, windowsHide: true });
  // The pipe only has to exist; it must not keep the back end's event loop alive.
  (child.stdin as { unref?: () => void } | null)?.unref?.();
  return child;
}

/** Runs `cmd args` without a shell of the caller's making, with a time limit and an output cap; never rejects. */
export function runCommand(cmd: string, args: readonly string[], timeoutMs = 5000): Promise<CommandResult> {
  const [file, argv] = watchedCommand(cmd, args);
  return new Promise((resolve) => {
    execFile(file, argv, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
      const e = error as { code?: number | string; killed?: boolean } | null;
      const errCode = typeof e?.code === 'string' ? e.code : null;
      const exit: number | null = e ? (typeof e.code === 'number' ? e.code : null) : 0;
      // Under the watchdog a missing tool is the shell's 127 ("not found"), one it may not run 126.
      const missing = errCode === 'ENOENT' || (watched && exit === 127);
      resolve({
        ok: !e,
        missing,
        denied: errCode === 'EACCES' || errCode === 'EPERM' || (watched && exit === 126) || /operation not permitted|permission denied|must be run as root/i.test(stderr ?? ''),
        timedOut: e?.killed === true,
        code: exit,
        stdout: stdout ?? '',
        stderr: missing ? '' : (stderr ?? ''),
      });
    });
  });
}
