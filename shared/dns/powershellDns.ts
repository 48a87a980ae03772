/**
 * Reads Windows PowerShell's DNS client view: `Get-DnsClientServerAddress` as a table (which can
 * cut long lists with "...") or as JSON (`| ConvertTo-Json`, complete and language-independent),
 * optionally joined with `Get-DnsClient | ConvertTo-Json` for each interface's suffixes.
 */
import { addWindowsNotes, judgeWindowsEntry } from './ipconfigAll';
import {
  attachLinkZone,
  emptyResolverList,
  newResolverEntry,
  parseSafely,
  parseServerText,
  pushUnique,
  textLines,
} from './resolverList';
import type { ResolverEntry, ResolverList, ResolverServer } from './resolverList';

/** MSFT_DNSClientServerAddress.AddressFamily values (AF_INET and Windows' AF_INET6). */
export const WINDOWS_AF_INET = 2;
/** Windows' AF_INET6. */
export const WINDOWS_AF_INET6 = 23;

interface Row {
  alias: string;
  index: number | null;
  family: 'IPv4' | 'IPv6' | null;
  servers: string[];
}

/** Parses the default table output of `Get-DnsClientServerAddress`; never throws. */
export function parseGetDnsClientServerAddressTable(text: string): ResolverList {
  return parseSafely('powershell', () => readTable(text));
}

/** Parses `Get-DnsClientServerAddress | ConvertTo-Json` (complete, any language), plus `Get-DnsClient | ConvertTo-Json` for suffixes; never throws. */
export function parsePowerShellDnsJson(serverAddressJson: string, dnsClientJson?: string): ResolverList {
  return parseSafely('powershell', () => readJson(serverAddressJson, dnsClientJson));
}

function readTable(text: string): ResolverList {
  const list = emptyResolverList('powershell');
  const lines = textLines(text, list.warnings);
  const rows: Row[] = [];
  let cut = false;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '' || /^[\s-]+$/.test(line)) return;
    if (/^\s*InterfaceAlias\s+Interface\b/i.test(line) || /^\s*Index\s+Family\s*$/i.test(line)) return;
    const m = /^(.*?)\s+(\d+)\s+(IPv4|IPv6)\s+(\{.*)$/i.exec(line);
    if (!m) {
      list.warnings.push(`Line ${i + 1}: "${line.trim()}" is not a table row; ignored.`);
      return;
    }
    const listText = m[4] ?? '';
    const closed = /\}$/.test(listText);
    let inner = listText.replace(/^\{/, '').replace(/\}$/, '');
    let truncated = !closed;
    if (/(\.\.\.|…)$/.test(inner)) {
      truncated = true;
      inner = inner.replace(/(\.\.\.|…)$/, '');
    }
    const items = inner.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (truncated) {
      cut = true;
      // A last item cut partway through is no address; a whole one (the enumeration limit) is kept.
      const last = items[items.length - 1];
      if (last !== undefined && parseServerText(last).family === null) items.pop();
      list.warnings.push(`Line ${i + 1}: the server list of ${m[1]?.trim()} is cut short by PowerShell's display.`);
    }
    rows.push({ alias: (m[1] ?? '').trim(), index: Number(m[2]), family: (m[3] ?? '').toUpperCase() === 'IPV4' ? 'IPv4' : 'IPv6', servers: items });
  });
  buildEntries(list, rows, new Map());
  if (cut) {
    list.notes.push(
      'PowerShell shortened some server lists ($FormatEnumerationLimit is 4 by default, and columns are cut to the window width); `Get-DnsClientServerAddress | ConvertTo-Json` gives them in full.',
    );
  }
  return list;
}

interface Suffixes {
  alias: string | null;
  suffixes: string[];
}

function readJson(serverAddressJson: string, dnsClientJson?: string): ResolverList {
  const list = emptyResolverList('powershell');
  const rows: Row[] = [];
  for (const item of jsonItems(serverAddressJson, 'Get-DnsClientServerAddress', list.warnings)) {
    const alias = str(item['InterfaceAlias']);
    const index = num(item['InterfaceIndex']);
    const fam = item['AddressFamily'];
    const family = fam === WINDOWS_AF_INET || fam === 'IPv4' ? 'IPv4' : fam === WINDOWS_AF_INET6 || fam === 'IPv6' ? 'IPv6' : null;
    if (family === null && fam !== undefined && fam !== null) list.warnings.push(`${alias ?? `interface ${index}`}: AddressFamily ${JSON.stringify(fam)} is neither 2 (IPv4) nor 23 (IPv6).`);
    const servers = strings(item['ServerAddresses']);
    if (alias === null && index === null) {
      list.warnings.push('An item has neither InterfaceAlias nor InterfaceIndex; ignored.');
      continue;
    }
    rows.push({ alias: alias ?? `interface ${index}`, index, family, servers });
  }
  const suffixes = new Map<string, Suffixes>();
  if (dnsClientJson !== undefined) {
    for (const item of jsonItems(dnsClientJson, 'Get-DnsClient', list.warnings)) {
      const alias = str(item['InterfaceAlias']);
      const index = num(item['InterfaceIndex']);
      const s: string[] = [];
      const own = str(item['ConnectionSpecificSuffix']);
      if (own) s.push(own);
      for (const d of strings(item['ConnectionSpecificSuffixSearchList'])) pushUnique(s, d);
      suffixes.set(index !== null ? `#${index}` : `@${alias ?? ''}`, { alias, suffixes: s });
    }
  }
  buildEntries(list, rows, suffixes);
  if (dnsClientJson !== undefined && list.searchDomains.length > 0) {
    list.notes.push(
      "The search list here joins the interfaces' connection-specific suffixes; Windows also uses the primary DNS suffix or a global list (Get-DnsClientGlobalSetting), which is not read here.",
    );
  }
  return list;
}

/** Turns rows (one per interface and family) into one entry per interface, suffixes joined in. */
function buildEntries(list: ResolverList, rows: readonly Row[], suffixes: Map<string, Suffixes>): void {
  const byKey = new Map<string, ResolverEntry>();
  const zoneNotes = new Map<ResolverServer, string>();
  const order: string[] = [];
  const keyOf = (index: number | null, alias: string | null) => (index !== null ? `#${index}` : `@${alias ?? ''}`);
  const entryFor = (key: string, alias: string | null, index: number | null): ResolverEntry => {
    let e = byKey.get(key);
    if (!e) {
      e = newResolverEntry(alias ?? `interface ${index}`, 'link');
      e.interface = { name: alias, index };
      e.defaultRoute = true;
      byKey.set(key, e);
      order.push(key);
    }
    return e;
  };
  for (const r of rows) {
    const e = entryFor(keyOf(r.index, r.alias), r.alias, r.index);
    for (const t of r.servers) {
      const s: ResolverServer = parseServerText(t);
      if (s.family === null) list.warnings.push(`${r.alias}: server "${t}" is not an IP address.`);
      else if (r.family !== null && s.family !== (r.family === 'IPv4' ? 'ipv4' : 'ipv6')) list.warnings.push(`${r.alias}: ${t} is listed under ${r.family}.`);
      if (attachLinkZone(s, { name: null, index: r.index })) {
        zoneNotes.set(s, `Listed without a scope id; a link-local server of ${r.alias} is reached through interface ${r.index}.`);
      }
      e.servers.push(s);
    }
  }
  for (const [key, s] of suffixes) {
    const e = byKey.get(key) ?? (s.suffixes.length > 0 ? entryFor(key, s.alias, key.startsWith('#') ? Number(key.slice(1)) : null) : null);
    if (e) for (const d of s.suffixes) pushUnique(e.searchDomains, d);
  }
  let suffixWithoutServer = false;
  for (const key of order) {
    const e = byKey.get(key);
    if (!e || (e.servers.length === 0 && e.searchDomains.length === 0)) continue;
    judgeWindowsEntry(e, false);
    for (const s of e.servers) {
      const note = zoneNotes.get(s);
      if (note !== undefined) s.why = `${s.why} ${note}`;
    }
    if (e.searchDomains.length > 0 && !e.inUse) suffixWithoutServer = true;
    list.resolvers.push(e);
    for (const d of e.searchDomains) if (e.inUse) pushUnique(list.searchDomains, d);
  }
  addWindowsNotes(list, suffixWithoutServer);
}

/** The objects of a ConvertTo-Json text: an array, a single object, or PowerShell 5.1's {"value": [...], "Count": n}. */
function jsonItems(text: string, what: string, warnings: string[]): Record<string, unknown>[] {
  if (typeof text !== 'string') {
    warnings.push(`${what}: no text to read.`);
    return [];
  }
  const lines = textLines(text, warnings);
  const body = lines.join('\n').trim();
  if (body === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    warnings.push(`${what}: not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
    return [];
  }
  if (isRecord(data) && Array.isArray(data['value'])) data = data['value'];
  const items = Array.isArray(data) ? data : [data];
  const out: Record<string, unknown>[] = [];
  for (const item of items) {
    if (isRecord(item)) out.push(item);
    else warnings.push(`${what}: an item is not an object; ignored.`);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return null;
}

/** A string array as ConvertTo-Json writes it: an array, one string, or {"value": [...]}. */
function strings(v: unknown): string[] {
  if (isRecord(v) && Array.isArray(v['value'])) v = v['value'];
  if (typeof v === 'string') return v.trim() === '' ? [] : [v.trim()];
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
}
