/**
 * Test code: the set-up the sessions library's file tests share. A whole back end (createBackend,
 * the built receiver worker) over a temporary data folder, driven through the contract, with
 * loopback senders, every file under a folder fingerprinted byte for byte, and a wait for a
 * condition; `cleanUp` (in afterEach) closes the sockets and the back end and removes the folders.
 */
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GapscopeApi } from '../../../shared/contract';
import { createBackend } from '../../app/createBackend';
import type { Backend } from '../../kernel/backend';
import { inProcessApi } from '../../kernel/inProcessApi';
import { builtWorkerPath } from '../../testing/builtWorker';

/** Every file under a folder with the hash of its bytes ('folder' for a folder): the victims, to compare after. */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    try {
      out[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
    } catch {
      out[name] = 'folder';
    }
  }
  return out;
}

/** Polls a condition every 20 ms until it holds (the test's own timeout bounds it). */
export async function until<T>(check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One test file's back end, folders and sockets; `prefix` names its temporary folders. */
export function libraryHarness(prefix: string): {
  tempDir(): string;
  connect(dataDir?: string): Promise<GapscopeApi>;
  sender(port: number): (count: number) => void;
  cleanUp(): Promise<void>;
} {
  let backend: Backend | null = null;
  const dirs: string[] = [];
  const sockets: Socket[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  return {
    tempDir,
    async connect(dataDir = tempDir()) {
      backend = await createBackend({ mode: 'web', dataDir, workerPath: builtWorkerPath() });
      return inProcessApi(backend);
    },
    sender(port) {
      const s = createSocket('udp4');
      sockets.push(s);
      return (count) => {
        for (let i = 0; i < count; i++) s.send(Buffer.alloc(64, i), port, '127.0.0.1');
      };
    },
    async cleanUp() {
      for (const s of sockets.splice(0)) s.close();
      await backend?.close();
      backend = null;
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
