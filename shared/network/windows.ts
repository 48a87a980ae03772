/** Windows PowerShell route output (`Get-NetRoute`, `Find-NetRoute` as JSON) into Gapscope's shapes. */
import type { RouteEntry, RouteLookup } from './types';

type Json = Record<string, unknown>;

/** The command the reader runs, so that the parser knows which fields it gets. */
export const GET_NET_ROUTE_COMMAND =
  'Get-NetRoute -PolicyStore ActiveStore | Select-Object DestinationPrefix,NextHop,InterfaceAlias,ifIndex,RouteMetric,InterfaceMetric,AddressFamily | ConvertTo-Json -Compress';

/** The route lookup command; X is validated as an IP address before it is put in. */
export function findNetRouteCommand(ip: string): string {
  return `Find-NetRoute -RemoteIPAddress '${ip}' | Select-Object IPAddress,InterfaceAlias,InterfaceIndex,DestinationPrefix,NextHop | ConvertTo-Json -Compress`;
}

function asArray(text: string, what: string): Json[] {
  let v: unknown;
  try {
    v = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch {
    throw new Error(`${what}: output is not JSON`);
  }
  // ConvertTo-Json writes a single object without brackets.
  const arr = Array.isArray(v) ? v : [v];
  return arr.filter((x): x is Json => typeof x === 'object' && x !== null);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** AddressFamily as PowerShell serialises it: 2 (IPv4) / 23 (IPv6), or the enum's name. */
function family(v: unknown, prefix: string | null): 'ipv4' | 'ipv6' {
  if (v === 23 || v === 'IPv6') return 'ipv6';
  if (v === 2 || v === 'IPv4') return 'ipv4';
  return prefix?.includes(':') ? 'ipv6' : 'ipv4';
}

const onLink = (hop: string | null): boolean => hop === null || hop === '0.0.0.0' || hop === '::';

/** Parses Get-NetRoute JSON; 0.0.0.0/0 and ::/0 become 'default', on-link next hops become null. */
export function parseGetNetRouteJson(text: string): RouteEntry[] {
  return asArray(text, 'Get-NetRoute').flatMap((o) => {
    const prefix = str(o.DestinationPrefix);
    if (!prefix) return [];
    const hop = str(o.NextHop);
    const route = num(o.RouteMetric);
    const ifm = num(o.InterfaceMetric);
    return [
      {
        family: family(o.AddressFamily, prefix),
        destination: prefix === '0.0.0.0/0' || prefix === '::/0' ? 'default' : prefix,
        gateway: onLink(hop) ? null : hop,
        iface: str(o.InterfaceAlias),
        // Windows adds the interface metric to the route metric to choose between routes.
        metric: route === null ? null : route + (ifm ?? 0),
        source: null,
        flags: [],
      },
    ];
  });
}

/** Parses Find-NetRoute JSON: one MSFT_NetIPAddress (source) and one MSFT_NetRoute (next hop). */
export function parseFindNetRouteJson(destination: string, text: string, stderr = ''): RouteLookup {
  const items = asArray(text, 'Find-NetRoute');
  const addr = items.find((o) => str(o.IPAddress));
  const route = items.find((o) => str(o.DestinationPrefix));
  if (!addr && !route) return { destination, iface: null, source: null, gateway: null, error: stderr.trim().split(/\r?\n/)[0]?.trim() || 'no route' };
  const hop = str(route?.NextHop);
  return { destination, iface: str(addr?.InterfaceAlias) ?? str(route?.InterfaceAlias), source: str(addr?.IPAddress), gateway: onLink(hop) ? null : hop, error: null };
}
