/**
 * What `gapscope agent` runs, as its config file (JSON) says it and its flags add to it: where
 * /metrics listens, who may read it, and which streams, DNS probes and Bonjour browsing to run.
 * Streams, the DNS watch and browsing are checked by the contract's own schemas, so a file gets
 * the same refusals as the UI, with the place in the file in front.
 */
import { z } from 'zod';
import { BrowseRequestSchema, type BrowseRequest } from '../contract/bonjour';
import { DnsWatchConfigSchema } from '../contract/dns';
import { StreamConfigSchema, type StreamConfigInput } from '../contract/reception';

/** The default /metrics port: unassigned by IANA, outside the Prometheus exporters' usual range. */
export const AGENT_DEFAULT_PORT = 9477;

/** The file's shape; unknown keys are refused so that a typo is not silently ignored. */
export const AgentConfigSchema = z
  .object({
    /** Address to listen on; a non-loopback one needs allowRemote. */
    host: z.string().trim().min(1).max(64).default('127.0.0.1'),
    port: z.number().int().min(0, 'port must be 0–65535').max(65535, 'port must be 0–65535').default(AGENT_DEFAULT_PORT),
    /** The file holding the bearer token (one line); absent: a random token printed at start. */
    tokenFile: z.string().min(1).max(4096).optional(),
    allowRemote: z.boolean().default(false),
    /** Serve /metrics and /report to anyone who can reach them (a private network only). */
    metricsWithoutToken: z.boolean().default(false),
    /** Watch interfaces, routes and Wi-Fi for gapscope_network_changes_total. */
    watchNetwork: z.boolean().default(true),
    streams: z.array(z.unknown()).max(64, 'at most 64 streams').default([]),
    dnsWatch: z.unknown().optional(),
    /** true: every service type; an object: the types and interfaces to browse. */
    browse: z.union([z.boolean(), z.unknown()]).optional(),
  })
  .strict();

/** The agent's settings after the file and the flags, every part checked. */
export interface AgentConfig {
  host: string;
  port: number;
  tokenFile?: string;
  allowRemote: boolean;
  metricsWithoutToken: boolean;
  watchNetwork: boolean;
  /** As given (the contract applies its defaults when each starts). */
  streams: StreamConfigInput[];
  dnsWatch?: z.input<typeof DnsWatchConfigSchema>;
  browse?: BrowseRequest;
}

/** A refusal in words: "streams[1].port: port must be 1–65535". */
function problems(where: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${[where, ...i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/^\./, '').replace(/\.\[/g, '[')}: ${i.message}`)
    .join('; ');
}

/** Checks a parsed config file (or {} with flags only); throws one sentence naming the first problems. */
export function readAgentConfig(raw: unknown): AgentConfig {
  const top = AgentConfigSchema.safeParse(raw);
  if (!top.success) throw new Error(problems('', top.error));
  const c = top.data;
  const streams = c.streams.map((s, i) => {
    const r = StreamConfigSchema.safeParse(s);
    if (!r.success) throw new Error(problems(`streams[${i}]`, r.error));
    return s as StreamConfigInput;
  });
  const ports = new Set<number>();
  for (const [i, s] of streams.entries()) {
    if (ports.has(s.port)) throw new Error(`streams[${i}].port: port ${s.port} is listened to by an earlier stream`);
    ports.add(s.port);
  }
  let dnsWatch: AgentConfig['dnsWatch'];
  if (c.dnsWatch !== undefined) {
    const r = DnsWatchConfigSchema.safeParse(c.dnsWatch);
    if (!r.success) throw new Error(problems('dnsWatch', r.error));
    dnsWatch = c.dnsWatch as AgentConfig['dnsWatch'];
  }
  let browse: BrowseRequest | undefined;
  if (c.browse === true) browse = {};
  else if (c.browse !== undefined && c.browse !== false) {
    const r = BrowseRequestSchema.safeParse(c.browse);
    if (!r.success) throw new Error(problems('browse', r.error));
    browse = c.browse as BrowseRequest;
  }
  return { host: c.host, port: c.port, tokenFile: c.tokenFile, allowRemote: c.allowRemote, metricsWithoutToken: c.metricsWithoutToken, watchNetwork: c.watchNetwork, streams, dnsWatch, browse };
}

const STREAM_KEYS: Record<string, { field: keyof StreamConfigInput; number?: boolean }> = {
  port: { field: 'port', number: true },
  address: { field: 'address' },
  group: { field: 'address' },
  iface: { field: 'iface' },
  source: { field: 'source' },
  family: { field: 'family' },
  label: { field: 'label' },
  decode: { field: 'decode' },
  'gap-ms': { field: 'gapMs', number: true },
  bin: { field: 'binMs', number: true },
  'recv-buffer': { field: 'recvBufferBytes', number: true },
};

/** Reads a --stream value: "4000", or "port=4000,group=239.1.2.3,iface=eth0,label=telemetry,decode=seq,gap-ms=100". */
export function parseStreamSpec(text: string): StreamConfigInput {
  const spec = text.trim();
  if (/^\d+$/.test(spec)) return { port: Number(spec) };
  const out: Record<string, string | number> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    const value = eq > 0 ? part.slice(eq + 1).trim() : '';
    const known = STREAM_KEYS[key];
    if (!known) throw new Error(`--stream ${spec}: "${part}" is not key=value with a key of ${Object.keys(STREAM_KEYS).join(', ')}`);
    if (known.field in out) throw new Error(`--stream ${spec}: ${key} is given twice`);
    if (known.number) {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) throw new Error(`--stream ${spec}: ${key} must be a number, got "${value}"`);
      out[known.field] = n;
    } else out[known.field] = value;
  }
  if (out.port === undefined) throw new Error(`--stream ${spec}: give port=N`);
  return out as unknown as StreamConfigInput;
}
