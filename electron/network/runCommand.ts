/** Runs an OS tool with a time limit and says plainly when it is not installed. */
import { execFile } from 'node:child_process';

/** What a tool printed and whether it could run at all. */
export interface CommandResult {
  ok: boolean;
  /** The tool is not installed (ENOENT). */
  missing: boolean;
  /** Not allowed to run it (EACCES/EPERM, or the tool said so). */
  denied: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` without a shell; never rejects. */
export function runCommand(cmd: string, args: readonly string[], timeoutMs = 5000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
      const errCode = typeof e?.code === 'string' ? e.code : null;
      resolve({
        ok: !e,
        missing: errCode === 'ENOENT',
        denied: errCode === 'EACCES' || errCode === 'EPERM' || /operation not permitted|permission denied|must be run as root/i.test(stderr ?? ''),
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        stdout: stdout ?? '',
        stderr: stderr ?? '',
      });
    });
  });
}
