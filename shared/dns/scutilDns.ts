/**
 * Reads macOS `scutil --dns`: the default resolver, the supplemental (split-DNS) and mDNS entries,
 * and the scoped resolvers — and says which of them ordinary lookups really use, so that a VPN whose
 * DNS exists only as a scoped entry, or mDNSResponder's automatic entries, are not mistaken for servers.
 */
import {
  attachLinkZone,
  emptyResolverList,
  looksLikeVpnInterface,
  newResolverEntry,
  parseSafely,
  parseServerText,
  pushUnique,
  settleServers,
  textLines,
} from './resolverList';
import type { ResolverEntry, ResolverList } from './resolverList';

type Section = 'main' | 'scoped' | 'service-specific';

interface Block {
  section: Section;
  number: number;
  entry: ResolverEntry;
  domain: string | null;
  /** The resolver's "port" line; it applies to all its nameservers. */
  port: number | null;
}

const SECTION_HEADERS: { re: RegExp; section: Section }[] = [
  { re: /^DNS configuration$/i, section: 'main' },
  { re: /^DNS configuration \(for scoped queries\)$/i, section: 'scoped' },
  { re: /^DNS configuration \(for service-specific queries\)$/i, section: 'service-specific' },
];

// Words of SCNetworkReachability flags; some outputs print them on a line of their own.
const REACH_WORDS = /^(Not Reachable|Reachable|Transient Connection|Connection Required|Automatic Connection On (Traffic|Demand)|Intervention Required|Local Address|Directly Reachable Address|WWAN)(\s*,\s*.*)?$/i;

/** Parses `scutil --dns` output (any macOS version, cut-off excerpts included); never throws. */
export function parseScutilDns(text: string): ResolverList {
  return parseSafely('scutil', () => readScutil(text));
}

function readScutil(text: string): ResolverList {
  const list = emptyResolverList('scutil');
  const lines = textLines(text, list.warnings);
  const blocks: Block[] = [];
  let section: Section = 'main';
  let sawMainHeader = false;
  let current: Block | null = null;

  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const header = SECTION_HEADERS.find((h) => h.re.test(line));
    if (header) {
      section = header.section;
      if (section === 'main') sawMainHeader = true;
      current = null;
      return;
    }
    const start = /^resolver #(\d+)$/i.exec(line);
    if (start) {
      const number = Number(start[1]);
      const label = section === 'main' ? `resolver #${number}` : `${section} resolver #${number}`;
      current = { section, number, entry: newResolverEntry(label, section === 'main' ? 'default' : 'scoped'), domain: null, port: null };
      blocks.push(current);
      return;
    }
    const block = current as Block | null;
    if (!block) {
      list.warnings.push(`Line ${i + 1}: "${line}" is outside any resolver block; ignored.`);
      return;
    }
    const kv = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!kv) {
      if (REACH_WORDS.test(line)) block.entry.reach = line;
      else list.warnings.push(`Line ${i + 1}: "${line}" is not understood; ignored.`);
      return;
    }
    readField(block, (kv[1] ?? '').toLowerCase(), kv[2] ?? '', i + 1, list.warnings);
  });

  judge(blocks, list, sawMainHeader);
  return list;
}

function readField(block: Block, key: string, value: string, lineNo: number, warnings: string[]): void {
  const e = block.entry;
  if (key === 'domain') {
    block.domain = value.replace(/\.$/, '') || null;
    return;
  }
  if (/^search domain\[\d+\]$/.test(key)) {
    if (value !== '') e.searchDomains.push(value);
    return;
  }
  if (/^nameserver\[\d+\]$/.test(key)) {
    const server = parseServerText(value);
    if (server.family === null) warnings.push(`Line ${lineNo}: ${e.label} nameserver "${value}" is not an IP address.`);
    e.servers.push(server);
    return;
  }
  switch (key) {
    case 'if_index': {
      const m = /^(\d+)(?:\s*\(([^)]*)\))?/.exec(value);
      if (m) {
        const name = m[2] !== undefined && m[2] !== '?' && m[2] !== '' ? m[2] : null;
        e.interface = { name, index: Number(m[1]) };
      } else warnings.push(`Line ${lineNo}: if_index "${value}" is not understood.`);
      return;
    }
    case 'flags':
      e.flags = splitFlags(value);
      return;
    case 'reach':
      e.reach = reachText(value);
      return;
    case 'order': {
      const n = Number(value);
      if (Number.isFinite(n)) e.order = n;
      return;
    }
    case 'port': {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1 && n <= 65535) block.port = n;
      else warnings.push(`Line ${lineNo}: port "${value}" is not a port number.`);
      return;
    }
    case 'timeout': {
      const n = Number(value);
      if (Number.isFinite(n)) e.options.timeoutSeconds = n;
      return;
    }
    case 'options':
      for (const token of value.split(/[\s,]+/)) if (token !== '') e.options.raw.push(token);
      return;
    default:
      // sortaddr[n], service_identifier, config id and fields of newer macOS versions are not needed here.
      return;
  }
}

/** "Scoped, Request A records" or "0x00001002 (Scoped, Request A records)" → ["Scoped", "Request A records"]. */
function splitFlags(value: string): string[] {
  const inner = /^0x[0-9a-f]+\s*\((.*)\)\s*$/i.exec(value);
  const text = inner ? (inner[1] ?? '') : /^0x[0-9a-f]+$/i.test(value) ? '' : value;
  return text.split(',').map((f) => f.trim()).filter((f) => f !== '');
}

/** "0x00020002 (Reachable,Directly Reachable Address)" → "Reachable,Directly Reachable Address". */
function reachText(value: string): string {
  const inner = /^0x[0-9a-f]+\s*\((.*)\)\s*$/i.exec(value);
  return inner ? (inner[1] ?? '') : value;
}

function ifaceText(e: ResolverEntry): string {
  if (!e.interface) return '';
  return e.interface.name ?? `interface ${e.interface.index ?? '?'}`;
}

function mdnsWhy(domain: string): string {
  let what = `names under ${domain}`;
  if (domain === 'local') what = 'names ending in .local';
  else if (domain === '254.169.in-addr.arpa') what = 'reverse lookups of link-local IPv4 addresses (169.254.0.0/16)';
  else if (/^[89ab]\.e\.f\.ip6\.arpa$/.test(domain)) what = 'reverse lookups of link-local IPv6 addresses (fe80::/10)';
  return `Added automatically by mDNSResponder: ${what} are answered by multicast DNS on the local network, not by a DNS server.`;
}

/** True when name equals domain or lies under it (case-insensitive). */
function isUnder(name: string, domain: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const d = domain.toLowerCase().replace(/\.$/, '');
  return n === d || n.endsWith(`.${d}`);
}

function judge(blocks: Block[], list: ResolverList, sawMainHeader: boolean): void {
  const main = blocks.filter((b) => b.section === 'main');
  const scoped = blocks.filter((b) => b.section !== 'main');
  const isMdns = (b: Block) => b.entry.options.raw.some((o) => o.toLowerCase() === 'mdns');
  const defaultBlock = main.find((b) => b.domain === null && !isMdns(b)) ?? null;

  for (const b of blocks) {
    for (const s of b.entry.servers) {
      if (b.port !== null && s.family !== null) s.port = b.port;
      attachLinkZone(s, b.entry.interface);
    }
  }

  for (const b of main) {
    const e = b.entry;
    const where = ifaceText(e);
    const reachNote = e.reach !== null && /^Not Reachable/i.test(e.reach) && e.servers.length > 0 ? ' macOS reports its servers Not Reachable right now.' : '';
    if (isMdns(b)) {
      e.scope = 'supplemental';
      e.multicast = true;
      e.defaultRoute = false;
      if (b.domain !== null) e.matchDomains = [b.domain];
      e.inUse = true;
      e.why = mdnsWhy(b.domain ?? 'local');
    } else if (b.domain !== null) {
      e.scope = 'supplemental';
      e.defaultRoute = false;
      e.matchDomains = [b.domain];
      const rival = main.find(
        (o) => o !== b && o.domain === b.domain && !isMdns(o) && o.entry.servers.length > 0 && (o.entry.order ?? Infinity) < (e.order ?? Infinity),
      );
      if (e.servers.length === 0) {
        e.inUse = false;
        e.why = `A resolver for names under ${b.domain} without any server.`;
      } else if (rival) {
        e.inUse = false;
        e.why = `${rival.entry.label} also answers names under ${b.domain} and comes first (order ${rival.entry.order}); this one is at most a fallback.`;
      } else {
        e.inUse = true;
        const vpn = looksLikeVpnInterface(where || null) ? `, on the VPN interface ${where}` : where ? `, on ${where}` : '';
        e.why = `Used for names under ${b.domain} (split DNS${vpn}).${reachNote}`;
      }
    } else if (b === defaultBlock) {
      e.scope = 'default';
      e.defaultRoute = true;
      const claim = e.flags.some((f) => /^Supplemental$/i.test(f)) ? ` It is flagged Supplemental without a domain: ${where || 'a VPN'} claims every name.` : '';
      if (e.servers.length === 0) {
        e.inUse = false;
        e.why = 'The default resolver has no DNS server, so names that no supplemental resolver claims cannot be resolved.';
      } else {
        e.inUse = true;
        e.why = `The default resolver: used for every name that no supplemental resolver claims${where ? ` (via ${where})` : ''}.${claim}${reachNote}`;
      }
    } else {
      e.scope = 'default';
      e.defaultRoute = true;
      e.inUse = false;
      const d = defaultBlock?.entry;
      e.why = d
        ? `macOS uses the first resolver listed (${d.label}${d.interface ? `, ${ifaceText(d)}` : ''}) as the default; this later one is not asked for ordinary lookups.`
        : 'Not the first resolver listed, so not the default.';
    }
    settleServers(e);
  }

  const usedMain = main.filter((b) => b.entry.inUse && b.entry.servers.length > 0);
  const usedServers = new Set(usedMain.flatMap((b) => b.entry.servers.map((s) => s.address)));
  for (const b of scoped) {
    const e = b.entry;
    e.scope = 'scoped';
    e.defaultRoute = false;
    e.inUse = false;
    const where = ifaceText(e) || 'one interface';
    const twin = usedMain.find((o) => o.entry.interface !== null && ifaceText(o.entry) === where);
    if (b.section === 'service-specific') {
      e.why = 'Service-specific: used only by the service it was configured for, not for ordinary lookups.';
    } else if (twin || (e.servers.length > 0 && e.servers.every((s) => usedServers.has(s.address)))) {
      const forWhat = twin && twin.entry.scope === 'supplemental' ? `names under ${twin.entry.matchDomains.join(', ')}` : 'ordinary lookups';
      e.why = `Scoped to ${where}: this copy serves apps that send their queries over ${where}; the same servers also serve ${forWhat}${twin ? ` (${twin.entry.label})` : ''}.`;
    } else {
      e.why = `Scoped to ${where}: used only by apps that send their queries over ${where}; ordinary lookups do not use these servers.`;
      const unused = e.servers.filter((s) => s.family !== null && !usedServers.has(s.address));
      if (looksLikeVpnInterface(where) && unused.length > 0) {
        e.why += ' If this is a VPN, that is the known trap: its DNS servers are not used for ordinary names.';
        list.notes.push(
          `The DNS servers of ${where} (${unused.map((s) => s.text).join(', ')}) are not used for ordinary lookups: only apps that send their queries over ${where} reach them.`,
        );
      }
    }
    settleServers(e);
  }

  for (const b of blocks) list.resolvers.push(b.entry);
  if (defaultBlock) for (const d of defaultBlock.entry.searchDomains) pushUnique(list.searchDomains, d);

  if (main.length === 0 && scoped.length > 0 && !sawMainHeader) {
    list.notes.push('Only scoped resolvers are in this output (it looks cut off before them): the default resolver is unknown.');
  }
  if (defaultBlock && defaultBlock.entry.servers.length === 0) {
    list.notes.push('The default resolver has no DNS server: only names claimed by a supplemental or mDNS entry can be resolved.');
  }
  const mdnsDomains = main.filter((b) => isMdns(b) && b.domain !== null).map((b) => b.domain as string);
  if (mdnsDomains.length > 0) {
    list.notes.push(
      `mDNSResponder adds the entries for ${mdnsDomains.join(', ')} itself, for multicast DNS: they are not DNS servers and not search domains.`,
    );
  }
  // A search domain that a supplemental resolver also claims sends completed short names to that resolver.
  for (const d of list.searchDomains) {
    const claim = main
      .filter((b) => b.entry.scope === 'supplemental' && !b.entry.multicast && b.entry.inUse && b.domain !== null && isUnder(d, b.domain))
      .sort((x, y) => (y.domain ?? '').length - (x.domain ?? '').length)[0];
    if (claim) {
      const where = ifaceText(claim.entry);
      list.notes.push(
        `The search domain ${d} is claimed by ${claim.entry.label}${where ? ` (${where})` : ''}: a short name completed with it goes to ${claim.entry.servers.map((s) => s.text).join(', ')}, not to the default resolver.`,
      );
    }
  }
}
