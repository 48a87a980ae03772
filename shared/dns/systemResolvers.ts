/** What the live resolver reader learned about this machine, in a form the CLI and the DNS view share. */
import type { ResolverList, ResolverServer } from './resolverList';
import type { SearchRules } from './searchList';

/** Which tool or file the reader consulted, and how that went: the user sees why a source is missing. */
export interface ResolverSourceRun {
  source: string;
  ok: boolean;
  note: string;
}

/** Everything the reader learned: each source's list, the servers really used, and the search settings. */
export interface SystemResolvers {
  /** Node's process.platform of the machine read (darwin, linux, win32…). */
  platform: string;
  /** Every list that could be read, most authoritative first. */
  lists: ResolverList[];
  /** The source whose view decides which servers ordinary lookups use; null when none could be read. */
  primarySource: ResolverList['source'] | null;
  /** The distinct servers ordinary lookups really use, in order (from the primary list). */
  serversInUse: ResolverServer[];
  /** The search list and ndots the system resolver applies to short names. */
  searchDomains: string[];
  ndots: number;
  searchRules: SearchRules;
  /** macOS: the IPv4 addresses and netmasks from which mDNSResponder derives reverse-mapping search domains of its own (see macosAutomaticDomains). */
  searchAddresses?: Array<{ address: string; netmask: string }>;
  /** What Node's own resolver (dns.resolve*, c-ares) would ask: read from its configuration, no traffic. */
  node: { servers: string[] };
  /** How each tool and file went ("resolvectl: not installed"), as sentences. */
  sources: ResolverSourceRun[];
  /** Findings for the user gathered from all lists, without repeats. */
  notes: string[];
}

