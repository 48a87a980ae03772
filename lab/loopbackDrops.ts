/**
 * What the kernel dropped for a test's own receiving socket on loopback. Loopback loses datagrams
 * when the receiver's buffer is full (a busy machine delays the reader), so a test that compares
 * what was sent with what arrived counts these drops instead of assuming none (Linux: the `drops`
 * column of /proc/net/udp and udp6).
 */
import { readFileSync } from 'node:fs';
import { parseProcNetUdp } from '../shared/network/kernelDrops';

/** The kernel's drops for the sockets bound to this local UDP port, or null without /proc (not Linux). */
export function loopbackDrops(port: number): number | null {
  let found = false;
  let drops = 0;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const s of parseProcNetUdp(text)) {
      if (s.port !== port) continue;
      found = true;
      drops += s.drops;
    }
  }
  return found ? drops : null;
}
