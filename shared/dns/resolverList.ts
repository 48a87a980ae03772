/**
 * Every resolver the OS uses, in one shape whatever the source (scutil, systemd-resolved,
 * NetworkManager, resolv.conf, ipconfig, PowerShell): per interface and scope, with all servers
 * (never cut to three), and for each resolver and server whether the system really uses it and why.
 */
import { parseIPv4, parseIPv6 } from '../net/address';
import type { AddressFamily } from '../net/address';

/** The command or file a ResolverList was read from. */
export type ResolverSource = 'scutil' | 'resolvectl' | 'nmcli' | 'resolv.conf' | 'ipconfig' | 'powershell';

// default: for names no other resolver claims (macOS resolver #1, /etc/resolv.conf); scoped: only for
// queries an app sends over one interface (macOS "for scoped queries"); supplemental: only for names
// under its match domains (split DNS, VPN domains, macOS mDNS entries); global: systemd-resolved's
// Global section; link: one interface's servers (systemd-resolved, NetworkManager, Windows adapters).
/** Where a resolver applies, so the UI can group resolvers the way the OS does. */
export type ResolverScope = 'default' | 'scoped' | 'supplemental' | 'global' | 'link';

/** An interface as the source names it; either part may be unknown. */
export interface ResolverInterface {
  name: string | null;
  index: number | null;
}

/** One DNS server of a resolver, with where it is reachable and whether it is really asked. */
export interface ResolverServer {
  /** The address alone, without zone or port: "fe80::1", "10.0.0.1"; for unreadable text, that text. */
  address: string;
  /** null when the text is not an IP address (e.g. a redacted "<dns1>"). */
  family: AddressFamily | null;
  /** The UDP/TCP port; 53 unless the source says otherwise. */
  port: number;
  /** IPv6 scope id (interface name or index) for link-local servers, as printed or taken from the link. */
  zone: string | null;
  /** TLS server name (systemd-resolved's "address#name" form), when given. */
  serverName: string | null;
  /** The server exactly as the source printed it. */
  text: string;
  /** systemd-resolved's "Current DNS Server" of its link. */
  current: boolean;
  inUse: boolean;
  /** Why the server is or is not asked, in plain language. */
  why: string;
}

/** resolv.conf-style options; `raw` keeps every option token as written, known or not. */
export interface ResolverOptions {
  ndots?: number;
  timeoutSeconds?: number;
  attempts?: number;
  rotate?: boolean;
  edns0?: boolean;
  raw: string[];
}

/** One resolver: a set of servers the OS asks for some names, on some interface. */
export interface ResolverEntry {
  /** How the source names it: "resolver #1", "scoped resolver #2", "Link 2 (enp34s0)", "Ethernet adapter Ethernet0". */
  label: string;
  interface: ResolverInterface | null;
  scope: ResolverScope;
  /** Whether names that match no domain come here; null when the source does not say. */
  defaultRoute: boolean | null;
  servers: ResolverServer[];
  /** Domains appended to short names, in order. */
  searchDomains: string[];
  /** Domains whose names this resolver answers (supplemental / split / routing domains). */
  matchDomains: string[];
  options: ResolverOptions;
  /** macOS search order (lower first among resolvers for the same domain); null elsewhere. */
  order: number | null;
  /** Flags as printed (macOS "Scoped", "Supplemental", "Request A records"…). */
  flags: string[];
  /** macOS reachability as printed, e.g. "Reachable,Directly Reachable Address". */
  reach: string | null;
  /** Answered by multicast DNS on the local link (mDNSResponder's automatic entries), not by a server. */
  multicast: boolean;
  inUse: boolean;
  why: string;
}

/** Everything one source says about the resolvers in use: the answer to "which DNS servers am I really using?". */
export interface ResolverList {
  source: ResolverSource;
  resolvers: ResolverEntry[];
  /** The system-wide search list, in the order the system tries it. */
  searchDomains: string[];
  /** Plain-language findings for the user: the traps this source showed. */
  notes: string[];
  /** What could not be parsed; the rest of the list is still valid. */
  warnings: string[];
}

/** The default port of DNS, used when a source names none. */
export const DNS_PORT = 53;

/** glibc and most res_ninit-based resolvers read at most this many nameserver lines (MAXNS). */
export const GLIBC_MAXNS = 3;

/** Creates an empty list for a source, so parsers never return undefined pieces. */
export function emptyResolverList(source: ResolverSource): ResolverList {
  return { source, resolvers: [], searchDomains: [], notes: [], warnings: [] };
}

/** Creates an entry with neutral defaults; parsers fill in what their source says. */
export function newResolverEntry(label: string, scope: ResolverScope): ResolverEntry {
  return {
    label,
    interface: null,
    scope,
    defaultRoute: null,
    servers: [],
    searchDomains: [],
    matchDomains: [],
    options: { raw: [] },
    order: null,
    flags: [],
    reach: null,
    multicast: false,
    inUse: false,
    why: '',
  };
}

/** Reads a server however a source prints it (zone, port, "#tls-name", "(Preferred)"); non-addresses are kept with family null. */
export function parseServerText(raw: string, defaultPort = DNS_PORT): ResolverServer {
  const text = raw.trim();
  let rest = text.replace(/\((?:Preferred|Deprecated|Duplicate|Tentative)\)$/i, '');
  let serverName: string | null = null;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    serverName = rest.slice(hash + 1) || null;
    rest = rest.slice(0, hash);
  }
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(rest);
  if (bracket) {
    rest = bracket[1] ?? '';
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else {
    const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(rest);
    if (v4port) {
      rest = v4port[1] ?? '';
      port = Number(v4port[2]);
    }
  }
  let zone: string | null = null;
  const pct = rest.indexOf('%');
  let address = rest;
  if (pct >= 0) {
    zone = rest.slice(pct + 1) || null;
    address = rest.slice(0, pct);
  }
  let family: AddressFamily | null = null;
  if (parseIPv4(address)) family = 'ipv4';
  else if (parseIPv6(address)) family = 'ipv6';
  if (family === null || port < 1 || port > 65535) {
    return { address: text, family: null, port: defaultPort, zone: null, serverName: null, text, current: false, inUse: false, why: '' };
  }
  return { address, family, port, zone, serverName, text, current: false, inUse: false, why: '' };
}

/** True for fe80::/10, whose servers are only reachable with a scope id (interface). */
export function isLinkLocalIPv6(address: string): boolean {
  const v6 = parseIPv6(address);
  return v6 !== null && v6.bytes[0] === 0xfe && ((v6.bytes[1] ?? 0) & 0xc0) === 0x80;
}

/** True for 127.0.0.0/8 and ::1: a resolver running on this machine itself. */
export function isLoopback(address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4) return v4[0] === 127;
  const v6 = parseIPv6(address);
  return v6 !== null && v6.bytes.every((b, i) => (i === 15 ? b === 1 : b === 0));
}

/** True for 127.0.0.53 and 127.0.0.54, systemd-resolved's local stub listeners. */
export function isSystemdStub(address: string): boolean {
  return address === '127.0.0.53' || address === '127.0.0.54';
}

/** True for fec0:0:0:ffff::1, ::2 and ::3: Windows' placeholders when no IPv6 DNS server is set. */
export function isWindowsSiteLocalDefault(address: string): boolean {
  const v6 = parseIPv6(address);
  if (!v6) return false;
  const b = v6.bytes;
  const head = [0xfe, 0xc0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0];
  return head.every((x, i) => b[i] === x) && (b[15] ?? 0) >= 1 && (b[15] ?? 0) <= 3;
}

/** The sentence shown for Windows' fec0:0:0:ffff::1–3 placeholders. */
export const WINDOWS_SITE_LOCAL_WHY =
  'fec0:0:0:ffff::1, ::2 and ::3 are placeholders Windows lists when no IPv6 DNS server is configured; they are ' +
  'deprecated site-local addresses (RFC 3879) and normally nothing answers there.';

/** The sentence shown for a DNS server on this machine's loopback (a local cache or forwarder). */
export function loopbackWhy(address: string): string {
  return `${address} is a DNS server on this machine itself (a local cache or forwarder such as dnsmasq or unbound); it forwards queries to other servers.`;
}

/** Gives a link-local server printed without scope id (older resolvectl, nmcli) the interface it was listed under; true if added. */
export function attachLinkZone(server: ResolverServer, iface: ResolverInterface | null): boolean {
  if (server.family !== 'ipv6' || server.zone !== null || !isLinkLocalIPv6(server.address) || !iface) return false;
  const zone = iface.name ?? (iface.index !== null ? String(iface.index) : null);
  if (zone === null) return false;
  server.zone = zone;
  return true;
}

/** Formats a server the way people type it: "fe80::1%en0", "[fd00::1]:5353", "10.0.0.1". */
export function formatServer(server: ResolverServer): string {
  if (server.family === null) return server.address;
  const host = server.zone !== null ? `${server.address}%${server.zone}` : server.address;
  if (server.port === DNS_PORT) return host;
  return server.family === 'ipv6' ? `[${host}]:${server.port}` : `${host}:${server.port}`;
}

/** Gives every server its entry's verdict unless a server-specific reason was already set. */
export function settleServers(entry: ResolverEntry): void {
  for (const s of entry.servers) {
    if (s.why !== '') continue;
    s.inUse = entry.inUse && s.family !== null;
    if (s.family === null) s.why = 'Not an IP address (redacted or unreadable in this output).';
    else if (entry.inUse && isLoopback(s.address) && !isSystemdStub(s.address)) s.why = loopbackWhy(s.address);
    else s.why = entry.why;
  }
}

/** The distinct servers the system really asks, in the order the list gives them. */
export function serversInUse(list: ResolverList): ResolverServer[] {
  const seen = new Set<string>();
  const out: ResolverServer[] = [];
  for (const entry of list.resolvers) {
    if (!entry.inUse) continue;
    for (const s of entry.servers) {
      if (!s.inUse) continue;
      const key = formatServer(s);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(s);
    }
  }
  return out;
}

/** Appends a value unless it is already there (case-insensitive for domains). */
export function pushUnique(list: string[], value: string): void {
  const v = value.toLowerCase();
  if (!list.some((x) => x.toLowerCase() === v)) list.push(value);
}

/** Lines of any text: CR LF, CR or LF endings, a leading BOM removed, NULs of mis-decoded UTF-16 dropped. */
export function textLines(input: unknown, warnings: string[]): string[] {
  if (typeof input !== 'string') {
    warnings.push('No text to read (the input was not a string).');
    return [];
  }
  let text = input.replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) {
    warnings.push('The text contains NUL characters (UTF-16 output read as UTF-8?); they were removed.');
    text = text.split('\u0000').join('');
  }
  return text.split(/\r\n|\r|\n/);
}

/** Keeps the promise that parsers never throw even if one has a bug: a failure becomes a warning on an empty list. */
export function parseSafely(source: ResolverSource, parse: () => ResolverList): ResolverList {
  try {
    return parse();
  } catch (err) {
    const list = emptyResolverList(source);
    list.warnings.push(`Internal parser error: ${err instanceof Error ? err.message : String(err)}`);
    return list;
  }
}

/** A VPN-style interface name (utun, ppp, ipsec, tun/tap, WireGuard): its DNS is usually the VPN's. */
export function looksLikeVpnInterface(name: string | null): boolean {
  return name !== null && /^(utun|ppp|ipsec|tun|tap|wg|gpd|vpn)\d*/i.test(name);
}

/** Parses resolv.conf-style option tokens (ndots:n, timeout:n, attempts:n, rotate, edns0…) into options. */
export function applyOptionTokens(options: ResolverOptions, tokens: readonly string[]): void {
  for (const token of tokens) {
    if (token === '') continue;
    options.raw.push(token);
    const m = /^([a-z0-9-]+)(?::(\d+))?$/i.exec(token);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const n = m[2] !== undefined ? Number(m[2]) : null;
    if (key === 'ndots' && n !== null) options.ndots = Math.min(n, 15);
    else if (key === 'timeout' && n !== null) options.timeoutSeconds = Math.min(n, 30);
    else if (key === 'attempts' && n !== null) options.attempts = Math.min(n, 5);
    else if (key === 'rotate') options.rotate = true;
    else if (key === 'edns0') options.edns0 = true;
  }
}

/** The list as plain lines, one per resolver and one per server: the CLI's text output, and what tests compare. */
export function summarizeResolverList(list: ResolverList): string[] {
  const lines: string[] = [];
  for (const e of list.resolvers) {
    const parts = [e.label, e.scope];
    if (e.interface) {
      const { name, index } = e.interface;
      parts.push(name !== null && index !== null ? `${name} (${index})` : (name ?? `interface ${index ?? '?'}`));
    }
    parts.push(e.inUse ? 'used' : 'not used');
    if (e.multicast) parts.push('mDNS');
    if (e.searchDomains.length > 0) parts.push(`search ${e.searchDomains.join(', ')}`);
    if (e.matchDomains.length > 0) parts.push(`for ${e.matchDomains.join(', ')}`);
    if (e.order !== null) parts.push(`order ${e.order}`);
    lines.push(parts.join(' · '));
    for (const s of e.servers) lines.push(`  ${formatServer(s)}${s.current ? ' (current)' : ''} · ${s.inUse ? 'used' : 'not used'}`);
  }
  return lines;
}
