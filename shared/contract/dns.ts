/** DNS: the requests and events of this feature, merged into the one contract in shared/contract/index.ts. */
import { z } from 'zod';
import { bareDnsName, canonicalQueryType, dnsNameProblem, dnsServerAddress, type DnsServerAddress } from '../dns/names';
import type { DnsLoadProgress, DnsLoadResult, DnsProbeReport, DnsSearchReport } from '../dns/probeTypes';
import { MAX_LOAD_QUERIES } from '../dns/queryFile';
import type { Reachability, ResolverVerdict, WatchSample } from '../dns/reachability';
import type { SystemResolvers } from '../dns/systemResolvers';
import { event, request } from './define';

/** A DNS name as typed; checked for length, labels and characters before any query leaves. */
const dnsName = z
  .string()
  .max(300, 'a DNS name is at most 253 characters')
  .superRefine((s, ctx) => {
    const problem = dnsNameProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The name a query asks: checked, and without its final dot (the search preview keeps the dot, which means "no search list"). */
const queryName = dnsName.transform(bareDnsName);

/** A DNS server as people type it: IPv4 or IPv6, optionally :port, and %scope for link-local IPv6; read once, here, into the address the probe uses. */
const dnsServer = z
  .string()
  .trim()
  .min(1, 'give a server address')
  .max(100)
  .transform((s, ctx): DnsServerAddress => {
    const server = dnsServerAddress(s);
    if (server) return server;
    ctx.addIssue({ code: 'custom', message: `"${s.slice(0, 80)}" is not a DNS server address: give an IPv4 or IPv6 address, optionally with a port (10.0.0.1:5353, [fd00::1]:53) and for link-local IPv6 a scope id (fe80::1%eth0)` });
    return z.NEVER;
  });

/** A record type: A, AAAA, HTTPS, TXT, PTR, SOA… or TYPEn; case does not matter. */
const recordType = z
  .string()
  .trim()
  .max(12)
  .superRefine((s, ctx) => {
    try {
      canonicalQueryType(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    }
  })
  .transform((s) => canonicalQueryType(s));

const timeoutMs = z.number().int().min(1, 'the timeout is 1 ms to 60 s').max(60_000, 'the timeout is 1 ms to 60 s');

/** One probe request: a name and type, to one server, to every server the system uses (all), or to the first one. */
export const DnsProbeRequestSchema = z
  .object({
    name: queryName,
    type: recordType.default('A'),
    server: dnsServer.optional(),
    all: z.boolean().optional(),
    timeoutMs: timeoutMs.default(2000),
    edns: z.boolean().default(true),
  })
  .strict()
  .refine((r) => !(r.server !== undefined && r.all === true), { message: 'give either a server or all, not both', path: ['all'] });
/** What the search-list preview may override. */
export const DnsSearchOptionsSchema = z.object({ server: dnsServer.optional(), type: recordType.default('A'), timeoutMs: timeoutMs.default(2000), edns: z.boolean().default(true) }).strict();

/** A load run: bounded so that a typo cannot flood a network for an hour. */
export const DnsLoadRequestSchema = z
  .object({
    server: dnsServer,
    qps: z.number().int().min(1, 'the rate is 1 to 200,000 queries/s').max(200_000, 'the rate is 1 to 200,000 queries/s'),
    durationSec: z.number().min(0.1, 'the duration is 0.1 to 300 s').max(300, 'the duration is 0.1 to 300 s'),
    name: queryName.default('example.com'),
    type: recordType.default('A'),
    timeoutMs: timeoutMs.default(1000),
    /** UDP sockets in the pool; each query goes out on the next one. */
    sockets: z.number().int().min(1, 'the pool has 1 to 64 sockets').max(64, 'the pool has 1 to 64 sockets').default(4),
    /** At most this many queries in flight: past the server's capacity the rate adapts instead of collapsing into loss. */
    maxOutstanding: z.number().int().min(1, 'at most 1 to 60,000 queries may be in flight').max(60_000, 'at most 1 to 60,000 queries may be in flight').default(200),
    /** Add an EDNS0 OPT record to every query. */
    edns: z.boolean().default(true),
    /** The queries to cycle through, in order (a query file, `dns load -d`); replaces name and type. */
    queries: z
      .array(z.object({ name: queryName, type: recordType }).strict())
      .min(1, 'give at least one query')
      .max(MAX_LOAD_QUERIES, `a load takes at most ${MAX_LOAD_QUERIES.toLocaleString('en-US')} queries`)
      .optional(),
    /** Like resperf: the rate rises evenly from 0 to qps over the duration, and the result says the highest answered rate. */
    ramp: z.boolean().default(false),
    /** udp, or tcp: each pool slot one connection, queries pipelined on it (RFC 7766), as dnsperf -m tcp. */
    transport: z.enum(['udp', 'tcp']).default('udp'),
  })
  .strict();
/** Periodic probes of chosen resolvers (the system's when none is given). */
export const DnsWatchConfigSchema = z
  .object({
    servers: z.array(dnsServer).max(16, 'watch at most 16 servers').optional(),
    name: queryName.default('example.com'),
    type: recordType.default('A'),
    intervalSec: z.number().min(1, 'probe every 1 s to 1 h').max(3600, 'probe every 1 s to 1 h').default(5),
    /** Default: 2 s, or 80% of a shorter interval. */
    timeoutMs: timeoutMs.optional(),
  })
  .strict()
  .refine((c) => c.timeoutMs === undefined || c.timeoutMs < c.intervalSec * 1000, { message: 'the timeout must be shorter than the interval', path: ['timeoutMs'] })
  .transform((c) => ({ ...c, timeoutMs: c.timeoutMs ?? Math.min(2000, Math.round(c.intervalSec * 800)) }));
/** A watch configuration after validation (servers resolved). */
export type DnsWatchConfig = Omit<z.output<typeof DnsWatchConfigSchema>, 'servers'> & { servers: string[] };

/** One resolver of the watch: its verdict and its recent probes for the chart. */
export interface DnsWatchResolver {
  server: string;
  verdict: ResolverVerdict;
  samples: WatchSample[];
}

/** The watch as it stands, for a view that opens late. */
export interface DnsWatchState {
  running: boolean;
  config: DnsWatchConfig | null;
  startedAt: number | null;
  resolvers: DnsWatchResolver[];
  reachability: Reachability;
  /** Why the watch could not start or stopped (e.g. no resolver found). */
  problem: string | null;
}

/** One round of the watch: the new sample of each resolver, and the verdicts after it. */
export interface DnsWatchUpdate {
  running: boolean;
  samples: { server: string; sample: WatchSample }[];
  verdicts: ResolverVerdict[];
  reachability: Reachability;
}

/** Requests of this feature. */
export const dnsRequests = {
  /** Every resolver the OS uses, per interface and scope, with why each is used, and what Node's own resolver asks; sends no query. */
  readDnsResolvers: request(z.tuple([])).returns<SystemResolvers>(),
  /** One real query to one server, to all the system uses (answers compared), or to the first. */
  probeDns: request(z.tuple([DnsProbeRequestSchema])).returns<DnsProbeReport>(),
  /** Asks every server the system uses the same question and groups them by answer: split DNS, VPN-only names. */
  compareDns: request(z.tuple([queryName, recordType.default('A')])).returns<DnsProbeReport>(),
  /** The names the system resolver would try for a short name, in order, with each one's answer. */
  previewDnsSearch: request(z.tuple([dnsName, DnsSearchOptionsSchema.optional()])).returns<DnsSearchReport>(),
  /** Loads one server at a rate for a duration (progress as dnsLoadProgress events); one run at a time. */
  runDnsLoad: request(z.tuple([DnsLoadRequestSchema])).returns<DnsLoadResult>(),
  /** Ends the running load early; its result still arrives. */
  cancelDnsLoad: request(z.tuple([])).returns<{ cancelled: boolean }>(),
  /** Starts (or restarts) periodic probes; resolver state changes go on the timeline. */
  startDnsWatch: request(z.tuple([DnsWatchConfigSchema])).returns<DnsWatchState>(),
  /** Stops the periodic probes; their history stays for viewing. */
  stopDnsWatch: request(z.tuple([])).returns<DnsWatchState>(),
  /** The watch's configuration, verdicts and recent probes. */
  getDnsWatch: request(z.tuple([])).returns<DnsWatchState>(),
} as const;

/** Events of this feature. */
export const dnsEvents = {
  /** A round of the watch's probes finished. */
  dnsWatchUpdate: event<DnsWatchUpdate>(),
  /** A load run's counts, a few times per second. */
  dnsLoadProgress: event<DnsLoadProgress>(),
} as const;
