/**
 * The machine's interfaces, one NetInterface model from two sources: Node's list with, on Linux,
 * /sys (`listInterfaces`: synchronous, for a socket about to be opened: reception, the sender,
 * Bonjour), and the OS's own tool, `ip -d -j addr` or `ifconfig -a` (`readInterfaces`: the network
 * context, which falls back to the first where the tool gives nothing).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { classifyInterface } from '../../shared/network/kind';
import { parseIpAddrJson } from '../../shared/network/linuxIp';
import { parseIfconfig } from '../../shared/network/macos';
import type { NetInterface } from '../../shared/network/types';
import type { Runner } from './runCommand';

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
  if (!/^[A-Za-z0-9_.:@-]+$/.test(name)) return null;
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

/**
 * Every interface the OS reports now, from Node and (on Linux) /sys; interfaces without addresses
 * are included on Linux. Where /sys is not read, the flags are unknown ([]), never guessed.
 */
export function listInterfaces(system: NodeJS.Platform = process.platform): NetInterface[] {
  const os = networkInterfaces();
  // /sys is this machine's: read only when it is Linux and asked about as Linux.
  const linux = system === 'linux' && process.platform === 'linux';
  const platform = system === 'darwin' || system === 'win32' ? system : 'linux';
  const sys = (name: string, file: string): string | null => (linux ? readSys(name, file) : null);
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
    const flagsHex = sys(name, 'flags');
    const mtu = sys(name, 'mtu');
    const index = sys(name, 'ifindex');
    const mac = addrs.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac ?? sys(name, 'address');
    const loopback = addrs.some((a) => a.internal);
    // Without /sys, Node lists only interfaces that have addresses, and those are up; which flags
    // they have is not known (takesMulticast says null, so a join is left to try).
    const state = (flagsHex ? parseLinuxFlags(flagsHex) : null) ?? { up: true, running: true, flags: [] };
    const devtype = /^DEVTYPE=(\S+)$/m.exec(sys(name, 'uevent') ?? '')?.[1] ?? null;
    const linkType = LINK_TYPES[sys(name, 'type') ?? ''] ?? null;
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

/**
 * Every interface as the OS's own tool reports it (Linux `ip -d -j addr`, macOS `ifconfig -a`;
 * Windows and a missing or old tool: Node's list, from listInterfaces); `wifiIface` is the Wi-Fi
 * interface the Wi-Fi reader found, where the tool cannot tell.
 */
export async function readInterfaces(platform: NodeJS.Platform, run: Runner, wifiIface: string | null = null): Promise<NetInterface[]> {
  if (platform === 'linux') {
    const r = await run('ip', ['-d', '-j', 'addr']);
    let list: NetInterface[];
    try {
      if (!r.ok) return listInterfaces(platform);
      list = parseIpAddrJson(r.stdout);
    } catch {
      // An iproute2 without JSON output: Node's own list is still right about addresses.
      return listInterfaces(platform);
    }
    const wireless = new Set<string>();
    await Promise.all(
      list.map(async (i) => {
        if (!/^[A-Za-z0-9_.:@-]+$/.test(i.name)) return;
        try {
          await access(`/sys/class/net/${i.name}/wireless`);
          wireless.add(i.name);
        } catch {
          /* not wireless */
        }
      }),
    );
    return wireless.size > 0 ? list.map((i) => (wireless.has(i.name) ? { ...i, kind: 'wifi' } : i)) : list;
  }
  if (platform === 'darwin') {
    const r = await run('ifconfig', ['-a']);
    return r.ok ? parseIfconfig(r.stdout, wifiIface) : listInterfaces(platform);
  }
  const list = listInterfaces(platform);
  return wifiIface ? list.map((i) => (i.name === wifiIface ? { ...i, kind: 'wifi' } : i)) : list;
}
