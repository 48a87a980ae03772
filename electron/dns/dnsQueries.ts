/**
 * The DNS questions the DNS view and `gapscope dns` both ask (through the contract): probe one
 * server or every server the system uses (answers compared), and walk the search list with an
 * answer for each name. Names, types and servers arrive checked by the contract's schemas.
 */
import { compareAnswers } from '../../shared/dns/compare';
import type { DnsServerAddress } from '../../shared/dns/names';
import type { DnsProbeReport, DnsSearchReport, DnsSearchStepResult } from '../../shared/dns/probeTypes';
import { formatServer } from '../../shared/dns/resolverList';
import { previewSearchList } from '../../shared/dns/searchList';
import type { SystemResolvers } from '../../shared/dns/systemResolvers';
import { GapscopeError } from '../../shared/errors';
import { parseQueryType, serverAddress } from './dnsMessage';
import { probeDns } from './dnsProbe';

/** How to ask: a server (or none: the system's first; all: every one in use), a type, a timeout. */
export interface AskOptions {
  server?: DnsServerAddress;
  all?: boolean;
  /** Canonical spelling (A, AAAA, TYPE65); default A. */
  type?: string;
  timeoutMs?: number;
  edns?: boolean;
}

/** The servers the system uses, as probe targets; a clear error when there is none. */
export function systemServers(resolvers: SystemResolvers | null): DnsServerAddress[] {
  const inUse = (resolvers?.serversInUse ?? []).filter((s) => s.family !== null).map((s) => serverAddress(formatServer(s)));
  if (inUse.length === 0) {
    throw new GapscopeError('not-found', 'This machine uses no DNS server that Gapscope could find (see the resolvers it read); give a server to ask.');
  }
  return inUse;
}

/** Which servers a probe goes to: the one given, or the system's first, or all of the system's. */
async function serversToAsk(o: AskOptions, readResolvers: () => Promise<SystemResolvers>): Promise<DnsServerAddress[]> {
  if (o.server !== undefined) return [o.server];
  const all = systemServers(await readResolvers());
  return o.all ? all : all.slice(0, 1);
}

/** Probes `name` on the chosen servers at once and compares their answers when there are several. */
export async function askServers(name: string, o: AskOptions, readResolvers: () => Promise<SystemResolvers>): Promise<DnsProbeReport> {
  const type = parseQueryType(o.type ?? 'A');
  const servers = await serversToAsk(o, readResolvers);
  const results = await Promise.all(servers.map((server) => probeDns({ server, name, type, timeoutMs: o.timeoutMs, edns: o.edns })));
  return { name, type: type.name, results, comparison: results.length > 1 ? compareAnswers(results) : null };
}

/** The names the system resolver would try for `name`, each probed in order on one server; `resolvedBy` is the first with records. */
export async function searchWithAnswers(name: string, o: AskOptions, resolvers: SystemResolvers): Promise<DnsSearchReport> {
  const type = parseQueryType(o.type ?? 'A');
  const preview = previewSearchList(name, { searchDomains: resolvers.searchDomains, ndots: resolvers.ndots, rules: resolvers.searchRules, interfaceAddresses: resolvers.searchAddresses });
  const [server] = await serversToAsk({ server: o.server }, () => Promise.resolve(resolvers));
  const steps: DnsSearchStepResult[] = [];
  let resolvedBy: string | null = null;
  // The resolver stops at the first name that has records; the later ones are still shown.
  for (const step of preview.steps) {
    const result = await probeDns({ server: server!, name: step.name, type, timeoutMs: o.timeoutMs, edns: o.edns });
    steps.push({ ...step, result });
    if (resolvedBy === null && result.kind === 'answer' && result.rcode === 'NOERROR' && result.answers.length > 0) resolvedBy = step.name;
  }
  return { name, type: type.name, server: server!.text, searchDomains: resolvers.searchDomains, ndots: resolvers.ndots, rules: resolvers.searchRules, steps, resolvedBy, notes: preview.notes };
}
