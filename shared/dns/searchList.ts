/**
 * Search-list preview: the names the system resolver would try, in order, for a name the user
 * typed — the answer to "why does a short name resolve to something odd?".
 */
import { parseIPv4 } from '../net/address';

/** Whose rules to follow: glibc's res_nsearch (Linux, and tools reading resolv.conf) or macOS's mDNSResponder. */
export type SearchRules = 'glibc' | 'macos';

/** What the preview needs to know about the system. */
export interface SearchSettings {
  searchDomains: readonly string[];
  /** Names with at least this many dots are tried as-is first (resolv.conf "options ndots", default 1). */
  ndots?: number;
  /** glibc "options no-tld-query": never send a single-label name as-is. */
  noTldQuery?: boolean;
  rules?: SearchRules;
  /** The machine's IPv4 addresses and netmasks: mDNSResponder derives search domains of its own from them (macOS rules). */
  interfaceAddresses?: ReadonlyArray<{ address: string; netmask: string }>;
}

/** A reverse-mapping domain (…in-addr.arpa, …ip6.arpa), which mDNSResponder never appends to a name. */
export function isReverseDomain(domain: string): boolean {
  return /(^|\.)(in-addr|ip6)\.arpa\.?$/i.test(domain.trim());
}

/**
 * The reverse-mapping domains mDNSResponder adds to its own search list, one per IPv4 subnet that
 * is neither loopback nor link-local (mDNSMacOSX.c, mDNSPlatformSetDNSConfig: the address masked
 * by its netmask, written as four reversed octets, e.g. 0.1.168.192.in-addr.arpa). It uses them to
 * discover Bonjour browsing domains (b._dns-sd._udp.<domain> and its kin, RFC 6763 §11), and skips
 * them when it appends search domains to a name (uDNS.c, uDNS_GetNextSearchDomain).
 */
export function macosAutomaticDomains(addresses: ReadonlyArray<{ address: string; netmask: string }>): Array<{ domain: string; from: string }> {
  const out: Array<{ domain: string; from: string }> = [];
  for (const a of Array.isArray(addresses) ? addresses : []) {
    const ip = typeof a?.address === 'string' ? parseIPv4(a.address) : null;
    const mask = typeof a?.netmask === 'string' ? parseIPv4(a.netmask) : null;
    if (!ip || !mask || ip[0] === 127 || (ip[0] === 169 && ip[1] === 254)) continue;
    const net = ip.map((b, i) => b & mask[i]!);
    const domain = `${net[3]}.${net[2]}.${net[1]}.${net[0]}.in-addr.arpa`;
    if (!out.some((d) => d.domain === domain)) out.push({ domain, from: `${a.address}/${a.netmask}` });
  }
  return out;
}

/** One name the resolver would send, and the search domain that made it (null when tried as-is). */
export interface SearchStep {
  name: string;
  searchDomain: string | null;
}

/** The names in the order they are tried until one answers, with what the user should know about them. */
export interface SearchPreview {
  steps: SearchStep[];
  notes: string[];
}

/** Longest name DNS can carry in text form, without the final dot. */
export const MAX_NAME_LENGTH = 253;

/** Lists the names the system resolver would try for `name`, in order, until one answers; never throws. */
export function previewSearchList(name: string, settings: SearchSettings): SearchPreview {
  const notes: string[] = [];
  const typed = typeof name === 'string' ? name.trim() : '';
  if (typed === '') return { steps: [], notes: ['No name given.'] };
  const absolute = typed.endsWith('.');
  const bare = absolute ? typed.slice(0, -1) : typed;
  if (bare === '' || bare.split('.').some((label) => label === '')) {
    return { steps: [], notes: [`"${typed}" is not a valid name: it has an empty label.`] };
  }
  const rules = settings.rules ?? 'glibc';
  const ndots = clampNdots(settings.ndots);
  const dots = countDots(typed);
  const domains = (Array.isArray(settings.searchDomains) ? settings.searchDomains : [])
    .filter((d): d is string => typeof d === 'string')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const steps: SearchStep[] = [];
  const add = (candidate: string, searchDomain: string | null) => {
    if (candidate.length > MAX_NAME_LENGTH) {
      notes.push(`${candidate.slice(0, 40)}… is longer than ${MAX_NAME_LENGTH} characters and cannot be sent.`);
      return;
    }
    if (steps.some((s) => s.name.toLowerCase() === candidate.toLowerCase())) {
      notes.push(`${candidate} would be tried again (a repeated search domain); it is listed once.`);
      return;
    }
    steps.push({ name: candidate, searchDomain });
  };
  const withDomain = (d: string) => `${bare}.${d.replace(/^\.+/, '').replace(/\.+$/, '')}`;

  if (absolute) {
    add(bare, null);
    notes.push('The name ends with a dot, so it is absolute: no search domain is appended.');
    return { steps, notes };
  }

  if (rules === 'macos') {
    if (dots > 0) {
      add(bare, null);
      notes.push(
        'macOS (mDNSResponder) appends search domains only to names without a dot, unless AlwaysAppendSearchDomains is set; tools that read /etc/resolv.conf (host, nslookup) follow the glibc-style ndots rule instead.',
      );
    } else {
      for (const d of domains) if (!isRoot(d) && !isReverseDomain(d)) add(withDomain(d), d);
      const reverse = domains.filter(isReverseDomain);
      if (reverse.length > 0) notes.push(`mDNSResponder never appends a reverse-mapping domain to a name: ${reverse.join(', ')} ${reverse.length === 1 ? 'is' : 'are'} on the search list but skipped.`);
      const automatic = macosAutomaticDomains(settings.interfaceAddresses ?? []);
      if (automatic.length > 0) {
        notes.push(
          `mDNSResponder also puts ${automatic.map((d) => `${d.domain} (from ${d.from})`).join(', ')} on its own search list, only to look for Bonjour browsing domains (queries such as b._dns-sd._udp.${automatic[0]!.domain} reach the DNS server); it never appends ${automatic.length === 1 ? 'it' : 'them'} to a name.`,
        );
      }
      notes.push('Whether macOS finally also sends a single-label name as-is differs between versions; it is not listed.');
    }
    return { steps, notes };
  }

  // glibc res_nsearch: as-is first when the name has enough dots; then each search domain; then
  // as-is last if not tried yet (and not forbidden by no-tld-query for a single label).
  let triedAsIs = false;
  if (dots >= ndots) {
    add(bare, null);
    triedAsIs = true;
  }
  let rootOnList = false;
  for (const d of domains) {
    if (isRoot(d)) {
      rootOnList = true;
      if (!triedAsIs) add(bare, null);
      triedAsIs = true;
      continue;
    }
    add(withDomain(d), d);
  }
  const searched = domains.length > 0;
  if (!triedAsIs && !rootOnList && (dots > 0 || !searched || !settings.noTldQuery)) add(bare, null);
  if (dots < ndots && dots > 0) notes.push(`"${bare}" has ${dots} dot${dots === 1 ? '' : 's'}, fewer than ndots ${ndots}: the search domains are tried before the name itself.`);
  if (settings.noTldQuery && dots === 0 && searched) notes.push('no-tld-query: the single-label name is never sent as-is.');
  if (domains.length > 6) notes.push('glibc before 2.26 tries only the first 6 search domains.');
  return { steps, notes };
}

function countDots(name: string): number {
  let n = 0;
  for (const c of name) if (c === '.') n++;
  return n;
}

function isRoot(domain: string): boolean {
  return /^\.+$/.test(domain);
}

function clampNdots(ndots: number | undefined): number {
  if (typeof ndots !== 'number' || !Number.isFinite(ndots) || ndots < 0) return 1;
  return Math.min(Math.floor(ndots), 15);
}
