/** Test helpers for back-end tests that need the built receiver worker and free loopback ports. */
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The receiver worker built by `npm run build`; tests that start streams need it. */
export function builtWorkerPath(): string {
  const p = join(__dirname, '..', '..', 'out', 'main', 'receiverWorker.js');
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run build\` before these tests (npm test does).`);
  return p;
}

/** A UDP port that was free on loopback a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
