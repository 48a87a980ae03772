/** Reads the OS's cap on socket receive buffers (Linux net.core.rmem_max, macOS kern.ipc.maxsockbuf), once. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { RecvBufferCap } from '../../shared/reception/receiveBuffer';

let cached: Promise<RecvBufferCap | null> | null = null;

/** The cap, or null where the OS has none or does not say; read once per process, never throws. */
export function readRecvBufferCap(platform: string = process.platform): Promise<RecvBufferCap | null> {
  cached ??= readCap(platform);
  return cached;
}

async function readCap(platform: string): Promise<RecvBufferCap | null> {
  const parse = (text: string): number | null => {
    const n = Number(text.trim());
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  };
  try {
    if (platform === 'linux') {
      const bytes = parse(await readFile('/proc/sys/net/core/rmem_max', 'utf8'));
      return bytes === null ? null : { name: 'net.core.rmem_max', bytes };
    }
    if (platform === 'darwin') {
      const out = await new Promise<string>((resolve, reject) => execFile('sysctl', ['-n', 'kern.ipc.maxsockbuf'], { timeout: 2000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
      const bytes = parse(out);
      return bytes === null ? null : { name: 'kern.ipc.maxsockbuf', bytes };
    }
  } catch {
    // No cap to show: the verdict then says only what was given.
  }
  return null;
}
