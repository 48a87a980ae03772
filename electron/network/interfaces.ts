/** Lists local interfaces with addresses, flags and MTU (flags and MTU from /sys on Linux). */
import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { InterfaceInfo } from '../../shared/contract';

// Linux's IFF_* bits (include/uapi/linux/if.h).
const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const IFF_POINTOPOINT = 0x10;
const IFF_RUNNING = 0x40;
const IFF_MULTICAST = 0x1000;

function readSys(name: string, file: string): string | null {
  if (process.platform !== 'linux' || !/^[A-Za-z0-9_.:@-]+$/.test(name)) return null;
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Parses the hex flags word of /sys/class/net/IF/flags into named flags. */
export function parseLinuxFlags(hex: string): NonNullable<InterfaceInfo['flags']> | null {
  const v = Number.parseInt(hex, 16);
  if (!Number.isFinite(v)) return null;
  return {
    up: (v & IFF_UP) !== 0,
    running: (v & IFF_RUNNING) !== 0,
    loopback: (v & IFF_LOOPBACK) !== 0,
    broadcast: (v & IFF_BROADCAST) !== 0,
    multicast: (v & IFF_MULTICAST) !== 0,
    pointToPoint: (v & IFF_POINTOPOINT) !== 0,
  };
}

/** Every interface the OS reports now; interfaces without addresses are included on Linux. */
export function listInterfaces(): InterfaceInfo[] {
  const os = networkInterfaces();
  const names = new Set(Object.keys(os));
  if (process.platform === 'linux') {
    try {
      for (const n of readdirSync('/sys/class/net')) names.add(n);
    } catch {
      // /sys not mounted: the addresses from Node are still right.
    }
  }
  const list: InterfaceInfo[] = [];
  for (const name of [...names].sort()) {
    const addrs = os[name] ?? [];
    const flagsHex = readSys(name, 'flags');
    const mtu = readSys(name, 'mtu');
    const index = readSys(name, 'ifindex');
    const mac = addrs.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac ?? readSys(name, 'address');
    list.push({
      name,
      index: index ? Number(index) : null,
      mac: mac ?? null,
      mtu: mtu ? Number(mtu) : null,
      flags: flagsHex ? parseLinuxFlags(flagsHex) : addrs.length ? { up: true, running: true, loopback: addrs.some((a) => a.internal), broadcast: false, multicast: false, pointToPoint: false } : null,
      addresses: addrs.map((a) => ({
        address: a.address,
        family: a.family === 'IPv4' || (a.family as unknown) === 4 ? 'ipv4' : 'ipv6',
        netmask: a.netmask,
        cidr: a.cidr ?? null,
        scopeId: 'scopeid' in a && typeof a.scopeid === 'number' ? a.scopeid : null,
      })),
    });
  }
  return list;
}
