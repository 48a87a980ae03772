/**
 * Lists local interfaces at once (synchronously, for a socket about to be opened): addresses from
 * Node, and on Linux the flags, MTU, index and kind hints from /sys. The same NetInterface as the
 * network context's OS-tool reader (systemNetwork.ts), so reception, the sender, Bonjour, the CLI
 * and the UI share one interface model.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { classifyInterface } from '../../shared/network/kind';
import type { NetInterface } from '../../shared/network/types';

// Linux's IFF_* bits (include/uapi/linux/if.h), with the words `ip link` prints for them.
const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const FLAG_WORDS: [number, string][] = [
  [IFF_UP, 'UP'],
  [0x2, 'BROADCAST'],
  [0x8, 'LOOPBACK'],
  [0x10, 'POINTOPOINT'],
  [0x1000, 'MULTICAST'],
  [0x10000, 'LOWER_UP'],
];
// ARPHRD_* link types (include/uapi/linux/if_arp.h) in `ip -j`'s words.
const LINK_TYPES: Record<string, string> = { '1': 'ether', '772': 'loopback', '65534': 'none', '512': 'ppp' };

function readSys(name: string, file: string): string | null {
  if (process.platform !== 'linux' || !/^[A-Za-z0-9_.:@-]+$/.test(name)) return null;
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The hex flags word of /sys/class/net/IF/flags: up, running, and the OS's flag words; null when it is not a number. */
function parseLinuxFlags(hex: string): { up: boolean; running: boolean; flags: string[] } | null {
  const v = Number.parseInt(hex, 16);
  if (!Number.isFinite(v)) return null;
  return { up: (v & IFF_UP) !== 0, running: (v & IFF_RUNNING) !== 0, flags: FLAG_WORDS.filter(([bit]) => (v & bit) !== 0).map(([, word]) => word) };
}

/** Every interface the OS reports now; interfaces without addresses are included on Linux. */
export function listInterfaces(): NetInterface[] {
  const os = networkInterfaces();
  const linux = process.platform === 'linux';
  const platform = process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux';
  const names = new Set(Object.keys(os));
  if (linux) {
    try {
      for (const n of readdirSync('/sys/class/net')) names.add(n);
    } catch {
      // /sys not mounted: the addresses from Node are still right.
    }
  }
  const list: NetInterface[] = [];
  for (const name of [...names].sort()) {
    const addrs = os[name] ?? [];
    const flagsHex = readSys(name, 'flags');
    const mtu = readSys(name, 'mtu');
    const index = readSys(name, 'ifindex');
    const mac = addrs.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac ?? readSys(name, 'address');
    const loopback = addrs.some((a) => a.internal);
    // Without /sys, Node lists only interfaces that have addresses, and those are up.
    const state = (flagsHex ? parseLinuxFlags(flagsHex) : null) ?? { up: true, running: true, flags: addrs.length > 0 ? ['UP', ...(loopback ? ['LOOPBACK'] : [])] : [] };
    const devtype = /^DEVTYPE=(\S+)$/m.exec(readSys(name, 'uevent') ?? '')?.[1] ?? null;
    const linkType = LINK_TYPES[readSys(name, 'type') ?? ''] ?? null;
    list.push({
      name,
      kind: classifyInterface(name, { platform, linkType, infoKind: devtype, wireless: linux && existsSync(`/sys/class/net/${name}/wireless`), loopback: loopback || state.flags.includes('LOOPBACK'), pointToPoint: state.flags.includes('POINTOPOINT') }),
      index: index ? Number(index) : null,
      mac: mac ?? null,
      mtu: mtu ? Number(mtu) : null,
      up: state.up,
      running: state.running,
      flags: state.flags,
      addresses: addrs.map((a) => ({
        address: a.address,
        family: a.family === 'IPv4' || (a.family as unknown) === 4 ? 'ipv4' : 'ipv6',
        prefixLength: a.cidr ? Number(a.cidr.slice(a.cidr.indexOf('/') + 1)) : null,
      })),
      linkKind: devtype,
    });
  }
  return list;
}
