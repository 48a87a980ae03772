/**
 * Reads Windows `ipconfig /all` (English output): every adapter's DNS servers — continuation lines
 * and IPv6 scope ids included — its connection-specific suffixes, and the global suffix search list;
 * Windows' fec0:0:0:ffff::1–3 placeholders are marked as the non-servers they are.
 */
import {
  emptyResolverList,
  isWindowsSiteLocalDefault,
  newResolverEntry,
  parseSafely,
  parseServerText,
  pushUnique,
  settleServers,
  textLines,
  WINDOWS_SITE_LOCAL_WHY,
} from './resolverList';
import type { ResolverEntry, ResolverList } from './resolverList';

interface Adapter {
  header: string;
  name: string;
  fields: Map<string, string[]>;
}

/** The sentence for a real server of an adapter: how Windows' DNS client takes them in turn. */
export const WINDOWS_SERVER_WHY =
  "Windows asks the preferred adapter's first server first; after about 1 s without an answer it asks the first server of every adapter, then all servers of all adapters.";

/** Parses `ipconfig /all` text (English); never throws. */
export function parseIpconfigAll(text: string): ResolverList {
  return parseSafely('ipconfig', () => readIpconfig(text));
}

function readIpconfig(text: string): ResolverList {
  const list = emptyResolverList('ipconfig');
  const lines = textLines(text, list.warnings);
  const global = new Map<string, string[]>();
  const adapters: Adapter[] = [];
  let fields = global;
  let lastKey: string | null = null;

  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const indent = /^\s*/.exec(raw)?.[0].length ?? 0;
    if (indent === 0) {
      const line = raw.trim();
      if (line.endsWith(':')) {
        const header = line.slice(0, -1).trim();
        const m = /^.*?\badapter\s+(.+)$/i.exec(header);
        const adapter = { header, name: (m?.[1] ?? header).trim(), fields: new Map<string, string[]>() };
        adapters.push(adapter);
        fields = adapter.fields;
      } else {
        fields = global; // "Windows IP Configuration"
      }
      lastKey = null;
      return;
    }
    // Continuation lines (a 2nd DNS server, a 2nd search suffix) are indented far past the keys.
    if (indent >= 8 && lastKey !== null) {
      fields.get(lastKey)?.push(raw.trim());
      return;
    }
    const kv = /^\s+([^:]*?)[\s.]*:(.*)$/.exec(raw);
    if (!kv) {
      list.warnings.push(`Line ${i + 1}: "${raw.trim()}" is not understood; ignored.`);
      return;
    }
    const key = (kv[1] ?? '').trim().toLowerCase();
    const value = (kv[2] ?? '').trim();
    fields.set(key, value === '' ? [] : [value]);
    lastKey = key;
  });

  for (const d of global.get('dns suffix search list') ?? []) pushUnique(list.searchDomains, d);
  const primary = global.get('primary dns suffix')?.[0];
  if (list.searchDomains.length === 0 && primary) list.searchDomains.push(primary);

  let sawServersKey = false;
  let suffixWithoutServer = false;
  for (const a of adapters) {
    const serverTexts = a.fields.get('dns servers');
    if (serverTexts !== undefined) sawServersKey = true;
    const entry: ResolverEntry = newResolverEntry(a.header, 'link');
    entry.defaultRoute = true;
    // The %n of the adapter's link-local address is its interface index.
    const ll = a.fields.get('link-local ipv6 address')?.[0];
    const zone = ll ? /%(\d+)/.exec(ll)?.[1] : undefined;
    entry.interface = { name: a.name, index: zone !== undefined ? Number(zone) : null };
    for (const s of a.fields.get('connection-specific dns suffix') ?? []) pushUnique(entry.searchDomains, s);
    for (const s of a.fields.get('connection-specific dns suffix search list') ?? []) pushUnique(entry.searchDomains, s);
    entry.servers = (serverTexts ?? []).map((t) => {
      const s = parseServerText(t);
      if (s.family === null) list.warnings.push(`${a.header}: DNS server "${t}" is not an IP address.`);
      return s;
    });
    if (entry.servers.length === 0 && entry.searchDomains.length === 0) continue;
    judgeWindowsEntry(entry, /disconnected/i.test(a.fields.get('media state')?.[0] ?? ''));
    if (entry.searchDomains.length > 0 && !entry.inUse) suffixWithoutServer = true;
    list.resolvers.push(entry);
  }

  if (adapters.length > 0 && !sawServersKey) {
    list.warnings.push('No "DNS Servers" line found: ipconfig output in a language other than English is not understood; use the PowerShell JSON form.');
  }
  addWindowsNotes(list, suffixWithoutServer);
  return list;
}

/** Decides whether Windows uses an adapter's servers, marking the fec0 placeholders; shared with the PowerShell parser. */
export function judgeWindowsEntry(entry: ResolverEntry, disconnected: boolean): void {
  const real = entry.servers.filter((s) => s.family !== null && !isWindowsSiteLocalDefault(s.address));
  if (disconnected) {
    entry.inUse = false;
    entry.why = 'The adapter is disconnected (media disconnected), so Windows does not use it.';
  } else if (entry.servers.length === 0) {
    entry.inUse = false;
    entry.why = 'DNS suffixes only, no DNS server on this adapter.';
  } else if (real.length === 0) {
    entry.inUse = false;
    entry.why = 'No real DNS server on this adapter: only Windows\' placeholder site-local addresses fec0:0:0:ffff::1–3.';
  } else {
    entry.inUse = true;
    entry.why = WINDOWS_SERVER_WHY;
  }
  for (const s of entry.servers) {
    if (s.family !== null && isWindowsSiteLocalDefault(s.address)) {
      s.inUse = false;
      s.why = WINDOWS_SITE_LOCAL_WHY;
    }
  }
  settleServers(entry);
}

/** Notes every Windows source shares: the fec0 placeholders and split-DNS rules that live outside this view. */
export function addWindowsNotes(list: ResolverList, suffixWithoutServer: boolean): void {
  const placeholders = list.resolvers.filter((e) => e.servers.some((s) => s.family !== null && isWindowsSiteLocalDefault(s.address)));
  if (placeholders.length > 0) {
    list.notes.push(
      `${placeholders.map((e) => e.interface?.name ?? e.label).join(', ')}: fec0:0:0:ffff::1–3 are Windows' placeholders for "no IPv6 DNS server configured", not real servers.`,
    );
  }
  if (suffixWithoutServer) {
    list.notes.push(
      'An adapter has a DNS suffix but no real server: VPNs on Windows often route their names with Name Resolution Policy Table rules (Get-DnsClientNrptPolicy), which this view does not show.',
    );
  }
}
