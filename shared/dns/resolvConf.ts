/**
 * Reads /etc/resolv.conf the way glibc does, and says what glibc really uses: only the first three
 * nameservers, the last search/domain line, and — for systemd-resolved's stub or macOS's generated
 * copy — where the real servers are instead.
 */
import {
  GLIBC_MAXNS,
  applyOptionTokens,
  emptyResolverList,
  isLinkLocalIPv6,
  isLoopback,
  isSystemdStub,
  loopbackWhy,
  newResolverEntry,
  parseSafely,
  parseServerText,
  settleServers,
  textLines,
} from './resolverList';
import type { ResolverList, ResolverServer } from './resolverList';

/** Search domains glibc before 2.26 used (MAXDNSRCH); newer glibc has no limit. */
export const OLD_GLIBC_MAXDNSRCH = 6;

// Options glibc's res_init understands (resolv.conf(5), glibc 2.36); others are silently ignored.
const GLIBC_OPTIONS = new Set([
  'ndots', 'timeout', 'attempts', 'rotate', 'debug', 'no-check-names', 'inet6', 'ip6-bytestring', 'ip6-dotint',
  'no-ip6-dotint', 'edns0', 'single-request', 'single-request-reopen', 'no-tld-query', 'use-vc', 'no-reload',
  'trust-ad', 'no-aaaa',
]);

/** Parses /etc/resolv.conf text (also macOS's generated copy and /etc/resolver/* files); never throws. */
export function parseResolvConf(text: string): ResolverList {
  return parseSafely('resolv.conf', () => readResolvConf(text));
}

function readResolvConf(text: string): ResolverList {
  const list = emptyResolverList('resolv.conf');
  const lines = textLines(text, list.warnings);
  if (typeof text !== 'string') return list;
  const entry = newResolverEntry('/etc/resolv.conf', 'default');
  entry.defaultRoute = true;
  const comments: string[] = [];
  const servers: ResolverServer[] = [];
  let searchFrom: { keyword: string; line: number } | null = null;
  let sawDomain = false;
  let sawSearch = false;
  let port: number | null = null;

  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#') || line.startsWith(';')) {
      comments.push(line.replace(/^[#;]\s?/, ''));
      return;
    }
    const tokens = line.split(/\s+/);
    const keyword = (tokens[0] ?? '').toLowerCase();
    const args = tokens.slice(1);
    switch (keyword) {
      case 'nameserver': {
        const value = args[0];
        if (value === undefined) {
          list.warnings.push(`Line ${i + 1}: "nameserver" without an address.`);
          return;
        }
        const server = parseServerText(value);
        if (server.family === null) list.warnings.push(`Line ${i + 1}: nameserver "${value}" is not an IP address.`);
        servers.push(server);
        return;
      }
      case 'search':
        entry.searchDomains = args.filter((d) => !d.startsWith('#') && !d.startsWith(';'));
        searchFrom = { keyword, line: i + 1 };
        sawSearch = true;
        return;
      case 'domain':
        entry.searchDomains = args[0] !== undefined ? [args[0]] : [];
        searchFrom = { keyword, line: i + 1 };
        sawDomain = true;
        return;
      case 'options':
        applyOptionTokens(entry.options, args);
        return;
      case 'port': {
        // macOS resolver(5) files (/etc/resolver/*) name the port on its own line.
        const n = Number(args[0]);
        if (Number.isInteger(n) && n >= 1 && n <= 65535) port = n;
        else list.warnings.push(`Line ${i + 1}: port "${args[0] ?? ''}" is not a port number.`);
        return;
      }
      case 'timeout': {
        const n = Number(args[0]);
        if (Number.isInteger(n) && n >= 0) entry.options.timeoutSeconds = n;
        return;
      }
      case 'sortlist':
      case 'search_order':
      case 'lookup':
      case 'family':
        return;
      default:
        list.warnings.push(`Line ${i + 1}: "${tokens[0] ?? ''}" is not a resolv.conf keyword; ignored.`);
    }
  });

  if (port !== null) for (const s of servers) if (s.family !== null) s.port = port;
  entry.servers = servers;
  list.searchDomains = [...entry.searchDomains];
  list.resolvers.push(entry);

  const allComments = comments.join('\n');
  const isMacCopy = /macOS Notice|not consulted for DNS hostname resolution/i.test(allComments);
  const stubServers = servers.filter((s) => isSystemdStub(s.address));
  const managedByResolved = /systemd-resolved/i.test(allComments);

  if (isMacCopy) {
    entry.inUse = false;
    entry.why =
      'macOS does not consult /etc/resolv.conf for ordinary lookups (mDNSResponder uses the configuration `scutil --dns` shows); ' +
      'only tools that read the file directly, such as dig, host and nslookup, ask these servers.';
    list.notes.push(
      'This is the copy of the default resolver that macOS writes for tools that read /etc/resolv.conf; the system resolver ignores it. Read `scutil --dns` for every resolver in use.',
    );
    settleServers(entry);
    return list;
  }

  entry.inUse = servers.some((s) => s.family !== null);
  entry.why = !entry.inUse
    ? 'No usable nameserver line: glibc then asks a DNS server on this machine (127.0.0.1).'
    : entry.options.rotate
    ? 'Programs using the system resolver (glibc) read this file; with "options rotate" they take the servers in turn.'
    : 'Programs using the system resolver (glibc) read this file: they ask the first nameserver, and the next ones only when it does not answer.';

  servers.forEach((s, i) => {
    const first = servers.findIndex((o) => o.text === s.text);
    const repeat = first < i ? ` It repeats nameserver ${first + 1}.` : '';
    if (i >= GLIBC_MAXNS) {
      s.inUse = false;
      s.why = `glibc reads only the first ${GLIBC_MAXNS} nameserver lines (MAXNS); this is number ${i + 1}, so programs using the system resolver never ask it.${repeat}`;
    } else if (s.family === null) {
      s.inUse = false;
      s.why = 'Not an IP address, so the resolver skips it.';
    } else if (isSystemdStub(s.address)) {
      s.inUse = true;
      s.why = `${s.address} is systemd-resolved's local stub: programs ask it, and systemd-resolved forwards to the servers \`resolvectl status\` lists.`;
    } else if (isLinkLocalIPv6(s.address) && s.zone === null) {
      s.inUse = true;
      s.why = `A link-local server without %interface: the resolver cannot tell which interface to send on, so queries to it may fail.${repeat}`;
    } else if (isLoopback(s.address)) {
      s.inUse = true;
      s.why = loopbackWhy(s.address) + repeat;
    } else if (repeat !== '') {
      s.inUse = true;
      s.why = `Asked in turn like the others.${repeat}`;
    }
  });
  settleServers(entry);

  if (servers.length === 0) {
    list.notes.push('No nameserver line: glibc then asks a server on this machine (127.0.0.1).');
  }
  if (servers.length > GLIBC_MAXNS) {
    list.notes.push(
      `This file lists ${servers.length} nameservers; glibc and musl use only the first ${GLIBC_MAXNS} (MAXNS), so the other ${servers.length - GLIBC_MAXNS} are never asked by programs using the system resolver.`,
    );
  }
  if (stubServers.length > 0 || managedByResolved) {
    list.notes.push(
      'This resolv.conf points at systemd-resolved (stub 127.0.0.53): the servers really used are the ones `resolvectl status` shows, per link.',
    );
  }
  if (entry.searchDomains.length > OLD_GLIBC_MAXDNSRCH) {
    list.notes.push(
      `${entry.searchDomains.length} search domains: glibc before 2.26 uses only the first ${OLD_GLIBC_MAXDNSRCH} (MAXDNSRCH).`,
    );
  }
  const sf = searchFrom as { keyword: string; line: number } | null;
  if (sawDomain && sawSearch && sf) {
    list.notes.push(`"domain" and "search" both appear; the last one (${sf.keyword}, line ${sf.line}) wins.`);
  }
  for (const token of entry.options.raw) {
    const name = (token.split(':')[0] ?? '').toLowerCase();
    if (!GLIBC_OPTIONS.has(name)) {
      list.notes.push(`"options ${token}" is not a glibc option, so glibc ignores it${name === 'retries' ? ' (glibc counts tries with attempts:n)' : ''}.`);
    }
  }
  return list;
}
