/** Linux iproute2 JSON output (`ip -d -j addr`, `ip -j route`, `ip -j route get X`) into Gapscope's shapes. */
import { classifyInterface } from './kind';
import type { NetInterface, RouteEntry, RouteLookup } from './types';

type Json = Record<string, unknown>;

function parseArray(text: string, what: string): Json[] {
  let v: unknown;
  try {
    v = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch {
    throw new Error(`${what}: output is not JSON`);
  }
  if (!Array.isArray(v)) throw new Error(`${what}: expected a JSON array`);
  return v.filter((x): x is Json => typeof x === 'object' && x !== null);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Parses `ip -d -j addr` (or `ip -j addr`); `wireless` names interfaces known to be Wi-Fi (from /sys or iw). */
export function parseIpAddrJson(text: string, wireless: ReadonlySet<string> = new Set()): NetInterface[] {
  return parseArray(text, 'ip -j addr').flatMap((o) => {
    const name = str(o.ifname);
    if (!name) return [];
    const flags = strings(o.flags);
    const linkinfo = (typeof o.linkinfo === 'object' && o.linkinfo !== null ? o.linkinfo : {}) as Json;
    const infoKind = str(linkinfo.info_kind);
    const linkType = str(o.link_type);
    const addrs = Array.isArray(o.addr_info) ? (o.addr_info as unknown[]).filter((a): a is Json => typeof a === 'object' && a !== null) : [];
    const iface: NetInterface = {
      name,
      kind: classifyInterface(name, { platform: 'linux', linkType, infoKind, wireless: wireless.has(name), loopback: flags.includes('LOOPBACK'), pointToPoint: flags.includes('POINTOPOINT') }),
      index: num(o.ifindex),
      mac: linkType === 'ether' ? str(o.address) : null,
      mtu: num(o.mtu),
      up: flags.includes('UP'),
      running: flags.includes('LOWER_UP') && !flags.includes('NO-CARRIER'),
      flags,
      addresses: addrs.flatMap((a) => {
        const address = str(a.local);
        const fam = a.family === 'inet' ? 'ipv4' : a.family === 'inet6' ? 'ipv6' : null;
        return address && fam ? [{ address, family: fam, prefixLength: num(a.prefixlen) }] : [];
      }),
      linkKind: infoKind ?? linkType,
    };
    return [iface];
  });
}

/** Parses `ip -j route` / `ip -j -6 route` (main table). */
export function parseIpRouteJson(text: string, family: 'ipv4' | 'ipv6'): RouteEntry[] {
  return parseArray(text, 'ip -j route').flatMap((o) => {
    const dst = str(o.dst);
    if (!dst) return [];
    // Only unicast routes decide where traffic goes (not broadcast/local/multicast/unreachable entries).
    const type = str(o.type);
    if (type && type !== 'unicast') return [];
    return [
      {
        family,
        destination: dst === 'default' ? 'default' : dst.includes('/') ? dst : `${dst}/${family === 'ipv4' ? 32 : 128}`,
        gateway: str(o.gateway),
        iface: str(o.dev),
        metric: num(o.metric),
        source: str(o.prefsrc),
        flags: strings(o.flags),
      },
    ];
  });
}

/** Parses `ip -j route get X` (stdout) or its error (stderr, e.g. "RTNETLINK answers: Network is unreachable"). */
export function parseIpRouteGetJson(destination: string, stdout: string, stderr = ''): RouteLookup {
  const err = stderr.trim();
  if (stdout.trim() === '' && err !== '') {
    return { destination, iface: null, source: null, gateway: null, error: err.replace(/^RTNETLINK answers:\s*/, '') };
  }
  const first = parseArray(stdout, 'ip -j route get')[0];
  if (!first) return { destination, iface: null, source: null, gateway: null, error: err || 'no route' };
  return { destination, iface: str(first.dev), source: str(first.prefsrc), gateway: str(first.gateway), error: null };
}
