/**
 * Reads systemd-resolved's view — `resolvectl status` and the older `systemd-resolve --status` —
 * where the real servers behind the 127.0.0.53 stub live: per link, with routing domains, the
 * DefaultRoute setting and the server each link is using right now.
 */
import {
  attachLinkZone,
  emptyResolverList,
  isLoopback,
  loopbackWhy,
  newResolverEntry,
  parseSafely,
  parseServerText,
  pushUnique,
  settleServers,
  textLines,
} from './resolverList';
import type { ResolverEntry, ResolverList, ResolverServer } from './resolverList';

interface Section {
  kind: 'global' | 'link';
  label: string;
  index: number | null;
  name: string | null;
  /** Lower-case field name → the tokens of its value, continuation lines included. */
  fields: Map<string, string[]>;
}

// Fields whose values are lists that older versions continue on indented lines.
const LIST_FIELDS = new Set(['dns servers', 'fallback dns servers', 'dns domain', 'dnssec nta', 'current scopes', 'protocols']);

/** Parses `resolvectl status` or `systemd-resolve --status` output; never throws. */
export function parseResolvectlStatus(text: string): ResolverList {
  return parseSafely('resolvectl', () => readStatus(text));
}

function readStatus(text: string): ResolverList {
  const list = emptyResolverList('resolvectl');
  const lines = textLines(text, list.warnings);
  const sections: Section[] = [];
  let current: Section | null = null;
  let lastKey: string | null = null;

  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (/^Global$/i.test(line)) {
      current = { kind: 'global', label: 'Global', index: null, name: null, fields: new Map() };
      sections.push(current);
      lastKey = null;
      return;
    }
    const link = /^Link (\d+) \((.*)\)$/i.exec(line);
    if (link) {
      current = { kind: 'link', label: line, index: Number(link[1]), name: link[2] || null, fields: new Map() };
      sections.push(current);
      lastKey = null;
      return;
    }
    const section = current as Section | null;
    // A key is text up to a colon followed by a space or the end: IPv6 continuation lines never have one.
    const kv = /^([^:]+?):(?:\s+(.*)|\s*)$/.exec(line);
    if (kv) {
      if (!section) {
        list.warnings.push(`Line ${i + 1}: "${line}" comes before any Global or Link section; ignored.`);
        return;
      }
      const key = (kv[1] ?? '').trim().toLowerCase();
      section.fields.set(key, splitTokens(kv[2] ?? ''));
      lastKey = key;
      return;
    }
    if (section && lastKey !== null && LIST_FIELDS.has(lastKey)) {
      section.fields.get(lastKey)?.push(...splitTokens(line));
      return;
    }
    list.warnings.push(`Line ${i + 1}: "${line}" is not understood; ignored.`);
  });

  judge(sections, list);
  return list;
}

function splitTokens(value: string): string[] {
  return value.split(/\s+/).filter((t) => t !== '');
}

/** +DefaultRoute / -DefaultRoute in Protocols (v246+), "DefaultRoute setting: yes" (v240–v245), "Default Route: yes". */
function defaultRouteOf(s: Section): boolean | null {
  const protocols = s.fields.get('protocols') ?? [];
  if (protocols.includes('+DefaultRoute')) return true;
  if (protocols.includes('-DefaultRoute')) return false;
  const setting = (s.fields.get('defaultroute setting') ?? s.fields.get('default route'))?.[0]?.toLowerCase();
  if (setting === 'yes') return true;
  if (setting === 'no') return false;
  const domains = s.fields.get('dns domain') ?? [];
  if (domains.includes('~.')) return true;
  return null;
}

// Older versions print one "X setting: value" line per protocol instead of the Protocols line.
const SETTING_NAMES: [string, string][] = [
  ['defaultroute setting', 'DefaultRoute'],
  ['llmnr setting', 'LLMNR'],
  ['multicastdns setting', 'mDNS'],
  ['dnsovertls setting', 'DNSOverTLS'],
  ['dnssec setting', 'DNSSEC'],
];

/** The link's protocols as printed ("+DefaultRoute", "DNSSEC=no/unsupported"), or "LLMNR=yes" from older settings lines. */
function flagsOf(s: Section): string[] {
  const protocols = s.fields.get('protocols');
  if (protocols) return [...protocols];
  const out: string[] = [];
  for (const [key, name] of SETTING_NAMES) {
    const v = s.fields.get(key)?.[0];
    if (v !== undefined) out.push(`${name}=${v}`);
  }
  return out;
}

function readServers(tokens: readonly string[], s: Section, warnings: string[]): ResolverServer[] {
  const iface = s.kind === 'link' ? { name: s.name, index: s.index } : null;
  return tokens.map((t) => {
    const server = parseServerText(t);
    if (server.family === null) warnings.push(`${s.label}: server "${t}" is not an IP address.`);
    if (attachLinkZone(server, iface)) {
      server.why = `Printed without a scope id; a link-local server listed under ${s.label} is reached through ${server.zone}.`;
    }
    return server;
  });
}

function judge(sections: Section[], list: ResolverList): void {
  const entries: { entry: ResolverEntry; section: Section }[] = [];
  let fallback: ResolverEntry | null = null;

  for (const s of sections) {
    const servers = readServers(s.fields.get('dns servers') ?? [], s, list.warnings);
    const domains = s.fields.get('dns domain') ?? [];
    const currentText = s.fields.get('current dns server')?.[0] ?? null;
    if (s.kind === 'global') {
      const mode = s.fields.get('resolv.conf mode')?.[0]?.toLowerCase() ?? null;
      if (mode === 'stub') {
        list.notes.push('/etc/resolv.conf points programs at the stub 127.0.0.53; systemd-resolved forwards their queries to the servers below.');
      } else if (mode === 'uplink' || mode === 'static') {
        list.notes.push(`/etc/resolv.conf lists the uplink servers directly (mode ${mode}): programs reading it bypass systemd-resolved's per-link routing.`);
      } else if (mode === 'foreign') {
        list.notes.push('/etc/resolv.conf is not managed by systemd-resolved (mode foreign): programs reading it ask whatever it lists, not necessarily these servers.');
      } else if (mode === 'missing') {
        list.notes.push('/etc/resolv.conf is missing: programs using glibc have no DNS server except through nss-resolve.');
      }
      const fb = readServers(s.fields.get('fallback dns servers') ?? [], s, list.warnings);
      if (fb.length > 0) {
        fallback = newResolverEntry('Fallback', 'global');
        fallback.servers = fb;
        fallback.defaultRoute = true;
      }
    }
    if (servers.length === 0 && domains.length === 0) continue;

    const entry = newResolverEntry(s.label, s.kind === 'global' ? 'global' : 'link');
    if (s.kind === 'link') entry.interface = { name: s.name, index: s.index };
    entry.servers = servers;
    for (const d of domains) {
      if (d === '~.') continue;
      const bare = d.replace(/^~/, '').replace(/\.$/, '');
      if (bare === '') continue;
      pushUnique(entry.matchDomains, bare);
      if (!d.startsWith('~')) pushUnique(entry.searchDomains, bare);
    }
    entry.defaultRoute = s.kind === 'global' ? true : defaultRouteOf(s);
    entry.flags = flagsOf(s);
    if (currentText !== null) {
      const cur = parseServerText(currentText);
      for (const srv of servers) if (srv.address === cur.address && srv.port === cur.port) srv.current = true;
    }
    entries.push({ entry, section: s });
  }

  const anyServer = entries.some((e) => e.entry.servers.length > 0);
  const defaultLinks = entries.filter((e) => e.entry.servers.length > 0 && e.entry.defaultRoute !== false).length;
  for (const { entry, section } of entries) {
    const scopes = section.fields.get('current scopes');
    const hasDnsScope = scopes === undefined ? entry.servers.length > 0 : scopes.includes('DNS');
    const domainsText = entry.matchDomains.join(', ');
    if (entry.servers.length === 0) {
      entry.inUse = false;
      entry.why = `Domains without servers: ${domainsText}.`;
    } else if (section.kind === 'link' && !hasDnsScope) {
      entry.inUse = false;
      entry.why = 'systemd-resolved has no DNS scope on this link (Current Scopes: none), so its servers are not asked.';
    } else if (entry.defaultRoute === false && entry.matchDomains.length === 0) {
      entry.inUse = false;
      entry.why = 'DefaultRoute is off and the link has no routing domains, so no query is sent here.';
    } else {
      entry.inUse = true;
      const forDomains = entry.matchDomains.length > 0 ? `names under ${domainsText}` : '';
      if (entry.defaultRoute === false) {
        entry.why = `Asked only for ${forDomains} (routing domains; DefaultRoute is off).`;
      } else {
        const others = defaultLinks > 1 ? ', in parallel with the other default links' : '';
        const all =
          entry.defaultRoute === null
            ? `every name that matches no link's routing domain (this version does not print DefaultRoute; it sends such names to every link with DNS servers${others})`
            : `every name that matches no link's routing domain (DefaultRoute${others})`;
        entry.why = forDomains ? `Asked for ${forDomains}, and for ${all}.` : `Asked for ${all}.`;
      }
    }
    const cur = entry.servers.find((srv) => srv.current);
    for (const srv of entry.servers) {
      if (!entry.inUse || srv.family === null) continue;
      const zoneNote = srv.why;
      srv.inUse = true;
      srv.why = srv.current
        ? 'The server systemd-resolved is using on this link now; it moves to the next one if this one fails.'
        : cur
          ? `Asked when the current server (${cur.text}) fails: systemd-resolved uses one server per link at a time.`
          : 'systemd-resolved uses one server of the link at a time and moves to the next one on failure.';
      if (isLoopback(srv.address)) srv.why += ` ${loopbackWhy(srv.address)}`;
      if (zoneNote !== '') srv.why += ` ${zoneNote}`;
    }
    settleServers(entry);
    list.resolvers.push(entry);
    if (entry.inUse) for (const d of entry.searchDomains) pushUnique(list.searchDomains, d);
  }

  const fb = fallback as ResolverEntry | null;
  if (fb) {
    fb.inUse = !anyServer;
    fb.why = anyServer
      ? 'Fallback servers are used only when no other DNS server is configured anywhere; here other servers exist.'
      : 'No other DNS server is configured, so systemd-resolved uses its fallback servers.';
    settleServers(fb);
    list.resolvers.push(fb);
  }
}
