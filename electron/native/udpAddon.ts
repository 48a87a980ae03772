/**
 * The UDP addon (native/recv-batch, built from source at install on Linux): recvmmsg for the
 * receiver (electron/reception/datagramReader.ts) and sendmmsg for the generator
 * (electron/sender/trafficGenerator.ts), on sockets that Node's dgram opened and bound. Loaded
 * once; where it is missing or fails to load, both fall back to Node's dgram, one datagram per call.
 */
import type { Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What a batch send did: `sent` datagrams were taken; errno says why the next was not (0: all were sent). */
export interface BatchSendResult {
  sent: number;
  errno: number;
}

/** The addon's functions, as native/recv-batch/recv_batch.c defines them. */
export interface UdpAddon {
  open(fd: number, onBatch: (data: Buffer, stamps: Float64Array, lengths: Uint32Array, sources: Uint8Array, count: number, errno: number) => void): { ack(): void; close(done: () => void): void };
  nowMs(): number;
  sendBatch(fd: number, datagrams: Uint8Array[], host: string, port: number): BatchSendResult;
}

/** Where the install step builds the addon: two folders up from the bundle (out/main) and from this source file alike. */
const ADDON_PATH = join(__dirname, '..', '..', 'native', 'recv-batch', 'build', 'Release', 'recv_batch.node');

let addon: UdpAddon | null | undefined;
let addonProblem = '';

/** The addon, loaded once; null (with the reason in `udpAddonProblem`) where it cannot be. */
export function udpAddon(): UdpAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.platform !== 'linux') {
    addonProblem = 'batch receive and send (recvmmsg, sendmmsg) exist on Linux only';
    return null;
  }
  if (!existsSync(ADDON_PATH)) {
    addonProblem = 'the batch-receive addon was not built at install (node scripts/build-native.mjs builds it)';
    return null;
  }
  try {
    const mod = { exports: {} as UdpAddon };
    process.dlopen(mod, ADDON_PATH);
    addon = mod.exports;
  } catch (e) {
    addonProblem = `the batch-receive addon did not load: ${(e as Error).message}`;
  }
  return addon;
}

/** Why the addon is unavailable here ('' when it is available). */
export function udpAddonProblem(): string {
  udpAddon();
  return addonProblem;
}

/** The file descriptor of a bound dgram socket, read without the deprecated `_handle` getter; null when Node hides it. */
export function socketFd(sock: Socket): number | null {
  for (const key of Object.getOwnPropertySymbols(sock)) {
    const state = (sock as unknown as Record<symbol, unknown>)[key] as { handle?: { fd?: unknown } } | null;
    const fd = state && typeof state === 'object' ? state.handle?.fd : undefined;
    if (typeof fd === 'number' && fd >= 0) return fd;
  }
  return null;
}
