/**
 * The DNS questions the CLI and the DNS view both ask: probe one server or every server the system
 * uses (answers compared), and walk the search list with an answer for each name.
 */
import { compareAnswers } from '../../shared/dns/compare';
import type { DnsProbeReport, DnsSearchReport, DnsSearchStepResult } from '../../shared/dns/probeTypes';
import { formatServer } from '../../shared/dns/resolverList';
import { previewSearchList } from '../../shared/dns/searchList';
import type { SystemResolvers } from '../../shared/dns/systemResolvers';
import { GapscopeError } from '../../shared/errors';
import { parseDnsServer, parseQueryType, validateDnsName, type DnsServerAddress, type QueryType } from './dnsMessage';
import { probeDns } from './dnsProbe';

/** How to ask: a server (or none: the system's first; all: every one in use), a type, a timeout. */
export interface AskOptions {
  server?: string | DnsServerAddress;
  all?: boolean;
  type?: string | QueryType;
  timeoutMs?: number;
  edns?: boolean;
}

/** The servers the system uses, as probe targets; a clear error when there is none. */
export function systemServers(resolvers: SystemResolvers | null): DnsServerAddress[] {
  const inUse = (resolvers?.serversInUse ?? []).filter((s) => s.family !== null).map((s) => parseDnsServer(formatServer(s)));
  if (inUse.length === 0) {
    throw new GapscopeError('not-found', 'This machine uses no DNS server that Gapscope could find (see `gapscope dns resolvers`); give one with --server.');
  }
  return inUse;
}

/** Which servers a probe goes to: the one given, or the system's first, or all of the system's. */
export async function serversToAsk(o: AskOptions, readResolvers: () => Promise<SystemResolvers>): Promise<DnsServerAddress[]> {
  if (o.server !== undefined && o.all) throw new GapscopeError('invalid-argument', 'Give either --server or --all, not both.');
  if (o.server !== undefined) return [typeof o.server === 'string' ? parseDnsServer(o.server) : o.server];
  const all = systemServers(await readResolvers());
  return o.all ? all : all.slice(0, 1);
}

/** Probes `name` on the chosen servers at once and compares their answers when there are several. */
export async function askServers(rawName: string, o: AskOptions, readResolvers: () => Promise<SystemResolvers>): Promise<DnsProbeReport> {
  const name = validateDnsName(rawName);
  const type = typeof o.type === 'object' ? o.type : parseQueryType(o.type ?? 'A');
  const servers = await serversToAsk(o, readResolvers);
  const results = await Promise.all(servers.map((server) => probeDns({ server, name, type, timeoutMs: o.timeoutMs, edns: o.edns })));
  return { name, type: type.name, results, comparison: results.length > 1 ? compareAnswers(results) : null };
}

/** The names the system resolver would try for `rawName`, each probed in order on one server; `resolvedBy` is the first with records. */
export async function searchWithAnswers(rawName: string, o: AskOptions, resolvers: SystemResolvers): Promise<DnsSearchReport> {
  validateDnsName(rawName);
  const type = typeof o.type === 'object' ? o.type : parseQueryType(o.type ?? 'A');
  const preview = previewSearchList(rawName, { searchDomains: resolvers.searchDomains, ndots: resolvers.ndots, rules: resolvers.searchRules });
  const [server] = await serversToAsk({ server: o.server }, () => Promise.resolve(resolvers));
  const steps: DnsSearchStepResult[] = [];
  let resolvedBy: string | null = null;
  // The resolver stops at the first name that has records; the later ones are still shown.
  for (const step of preview.steps) {
    const result = await probeDns({ server: server!, name: step.name, type, timeoutMs: o.timeoutMs, edns: o.edns });
    steps.push({ ...step, result });
    if (resolvedBy === null && result.kind === 'answer' && result.rcode === 'NOERROR' && result.answers.length > 0) resolvedBy = step.name;
  }
  return { name: rawName, type: type.name, server: server!.text, searchDomains: resolvers.searchDomains, ndots: resolvers.ndots, rules: resolvers.searchRules, steps, resolvedBy, notes: preview.notes };
}
