/** What the DNS view shows, computed without React: plain words for outcomes, resolvers grouped the way the OS groups them, chart rows. */
import type { DnsOutcomeKind, DnsProbeResult } from '../../../shared/dns/probeTypes';
import type { WatchSample } from '../../../shared/dns/reachability';
import type { ResolverEntry, ResolverList, ResolverScope } from '../../../shared/dns/resolverList';

/** An outcome in plain words, with what it means for someone who is not a DNS expert. */
export function outcomeWords(kind: DnsOutcomeKind, errno?: string | null): { title: string; meaning: string } {
  switch (kind) {
    case 'answer':
      return { title: 'answer', meaning: 'The server replied.' };
    case 'refused':
      return { title: 'refused', meaning: 'The server replied REFUSED: it is there, but does not answer this name or this client (a local-only resolver, or an ACL).' };
    case 'timeout':
      return { title: 'no answer (timeout)', meaning: 'The query left but nothing came back in time: the server is down, a firewall drops the query, or the path loses it.' };
    case 'port-unreachable':
      return { title: 'port unreachable', meaning: 'The host is reachable, but nothing listens on its DNS port: it answered with ICMP port unreachable (connection refused). The DNS service is not running there.' };
    case 'network-unreachable':
      return { title: 'network unreachable', meaning: `There is no route to this server from here${errno ? ` (${errno})` : ''}: wrong network, no default route, or the host does not answer on the link.` };
    case 'malformed':
      return { title: 'garbage reply', meaning: 'Something replied with our query id, but the reply is not a valid DNS message.' };
    default:
      return { title: 'socket error', meaning: `The query could not be sent${errno ? ` (${errno})` : ''}.` };
  }
}

/** The set header flags as text, e.g. "qr rd ra" style: "aa rd ra". */
export function flagsText(r: DnsProbeResult): string {
  if (!r.flags) return '';
  return Object.entries(r.flags)
    .filter(([, on]) => on)
    .map(([k]) => k)
    .join(' ');
}

/** Resolvers of one interface, by scope. */
export interface InterfaceGroup {
  /** The interface name, or a label for resolvers bound to none ("all interfaces"). */
  name: string;
  scopes: { scope: ResolverScope; entries: ResolverEntry[] }[];
}

const SCOPE_ORDER: ResolverScope[] = ['default', 'global', 'link', 'scoped', 'supplemental'];

/** Groups a source's resolvers by interface, then scope, in the OS's order within each. */
export function groupResolvers(list: ResolverList): InterfaceGroup[] {
  const groups: InterfaceGroup[] = [];
  for (const e of list.resolvers) {
    const name = e.interface?.name ?? (e.interface?.index !== null && e.interface?.index !== undefined ? `interface #${e.interface.index}` : 'all interfaces');
    let g = groups.find((x) => x.name === name);
    if (!g) {
      g = { name, scopes: [] };
      groups.push(g);
    }
    let s = g.scopes.find((x) => x.scope === e.scope);
    if (!s) {
      s = { scope: e.scope, entries: [] };
      g.scopes.push(s);
    }
    s.entries.push(e);
  }
  for (const g of groups) g.scopes.sort((a, b) => SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope));
  return groups;
}

/** One moment of the probe timeline: each server's RTT (ms), or a mark where it gave no answer. */
export interface WatchRow {
  /** Seconds since the watch started. */
  t: number;
  [series: string]: number | null;
}

/** The key of a server's RTT line and of its no-answer marks in chart rows. */
export function seriesKeys(server: string): { rtt: string; fail: string } {
  return { rtt: `rtt:${server}`, fail: `fail:${server}` };
}

/**
 * Chart rows from every resolver's samples: one row per probe time, the RTT of replies (REFUSED
 * included: it is a reply), and for probes without a reply a mark at `failY` so timeouts show at the top.
 */
export function watchRows(resolvers: readonly { server: string; samples: readonly WatchSample[] }[], startedAt: number, failY: number): WatchRow[] {
  const byTime = new Map<number, WatchRow>();
  for (const r of resolvers) {
    const k = seriesKeys(r.server);
    for (const s of r.samples) {
      let row = byTime.get(s.at);
      if (!row) {
        row = { t: Math.round((s.at - startedAt) / 100) / 10 };
        byTime.set(s.at, row);
      }
      const replied = s.kind === 'answer' || s.kind === 'refused' || s.kind === 'malformed';
      row[k.rtt] = replied ? s.rttMs : null;
      row[k.fail] = replied ? null : failY;
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}
