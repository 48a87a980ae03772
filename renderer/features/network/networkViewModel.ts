/** What the Network tab shows, computed from the back end's shapes: pure, so it is tested without a browser. */
import { kindLabel } from '../../../shared/network/kind';
import type { ConnectTestResult, DefaultRouteInfo, NetInterface, NetworkHistoryPoint } from '../../../shared/network/types';

/** HOST:PORT as typed in the connect form, or why it is not one. */
export function parseTarget(text: string): { host: string; port: number } | { error: string } {
  const t = text.trim();
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(t) ?? /^([^:\s]+):(\d{1,5})$/.exec(t);
  if (!m?.[1] || !m[2]) return { error: 'Type HOST:PORT, e.g. 192.168.1.20:443 or [fd00::1]:8443.' };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return { error: 'The port must be 1–65535.' };
  return { host: m[1], port };
}

/** The outcome in a few words, as the result's headline. */
export function outcomeWords(r: ConnectTestResult): string {
  switch (r.outcome) {
    case 'connected':
      return r.tls ? (r.tls.trusted && r.tls.hostnameMatches !== false ? 'connected, certificate trusted' : 'connected, certificate NOT trusted') : 'connected';
    case 'refused':
      return 'connection refused';
    case 'host-unreachable':
      return 'host unreachable';
    case 'network-unreachable':
      return 'network unreachable';
    case 'timeout':
      return 'no answer (timeout)';
    case 'reset':
      return 'connection reset';
    case 'dns-failed':
      return 'name not resolved';
    case 'tls-failed':
      return 'TLS handshake failed';
    default:
      return 'failed';
  }
}

/** One row of the interfaces table. */
export interface InterfaceRow {
  name: string;
  kind: string;
  state: string;
  good: boolean;
  mtu: string;
  addresses: string[];
  flags: string;
}

/** Interfaces for the table: working ones first, loopback last. */
export function interfaceRows(list: readonly NetInterface[]): InterfaceRow[] {
  const rank = (i: NetInterface): number => (i.kind === 'loopback' ? 2 : i.up && i.running ? 0 : 1);
  return [...list]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .map((i) => ({
      name: i.name,
      kind: kindLabel(i.kind),
      state: i.up ? (i.running ? 'up' : 'up, no carrier') : 'down',
      good: i.up && i.running,
      // Windows' reader (Node's list) knows neither: say so rather than leave a dash that reads as "none".
      mtu: i.mtu === null ? 'unknown' : String(i.mtu),
      addresses: i.addresses.map((a) => `${a.address}${a.prefixLength !== null ? `/${a.prefixLength}` : ''}`),
      // No flags with a known MTU is the OS saying "none" (macOS stf0: flags=0<>); with neither, nobody said.
      flags: i.flags.length === 0 && i.mtu === null ? 'unknown' : i.flags.join(' '),
    }));
}

/** The sentence for one family's default route, with the VPN flag when a tunnel captured it. */
export function defaultRouteText(d: DefaultRouteInfo): string {
  const fam = d.family === 'ipv4' ? 'IPv4' : 'IPv6';
  if (!d.iface) return `${fam}: no default route`;
  const base = `${fam}: via ${d.iface}${d.gateway ? ` (gateway ${d.gateway})` : ''}`;
  if (!d.capturedBy) return base;
  return `${base} — VPN ${d.capturedBy} captures all ${fam} traffic${d.captureStyle === 'split' ? ' (two half routes, redirect-gateway style)' : ''}; devices on the local network are reached only through more specific routes`;
}

/** History points as chart rows, seconds relative to the last point. */
export function historyRows(points: readonly NetworkHistoryPoint[]): { t: number; tunnels: number; udp: number | null; tcp: number | null }[] {
  const last = points[points.length - 1]?.at ?? 0;
  return points.map((p) => ({ t: Math.round((p.at - last) / 100) / 10, tunnels: p.tunnelCount, udp: p.udp, tcp: p.tcp }));
}
