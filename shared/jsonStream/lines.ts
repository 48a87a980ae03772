/**
 * The lines of `--json-stream`: one JSON object a line, each with a `type` and `at` (ms since the
 * epoch), for listen, browse, net watch and dns watch. These zod schemas are the one source: the
 * CLI's lines are typed from them, and the JSON Schemas published in docs/schema/ are generated
 * from them (scripts/json-schemas.mjs) and checked against them in tests.
 */
import { z } from 'zod';

const at = z.number().describe('when the line was written, ms since the Unix epoch');
const count = z.number().int().min(0);

/** A condition's judgement, as in shared/verdict/conditions.ts. */
export const ConditionResultSchema = z.strictObject({
  condition: z.string().describe('the condition in its canonical spelling, e.g. gap>500ms'),
  failed: z.boolean(),
  actual: z.number().nullable().describe('what was measured, in the condition\u2019s unit (ms, %, count, bytes/s, packets/s); null when it could not be'),
  sentence: z.string(),
});

/** The verdict of a run with --fail-on. */
export const VerdictSchema = z
  .object({
    ok: z.boolean(),
    failed: z.array(z.string()).describe('the conditions that failed, in the order given'),
    conditions: z.array(ConditionResultSchema),
  })
  .describe('present when --fail-on was given; ok false means exit code 3');

/** An alert raised or cleared while the command runs (listen --fail-on: the same conditions, judged live with hysteresis). */
const alertLine = z.strictObject({
  type: z.literal('alert'),
  at,
  condition: z.string(),
  state: z.enum(['raised', 'cleared']),
  times: count.describe('how many times the condition began to hold while the alert was up'),
  sentence: z.string(),
});

const warningLine = z.strictObject({ type: z.literal('warning'), at, message: z.string() });

/** A gap of the report (shared/reception/report.ts ReportGap): the fields every gap has; a gap may carry more (socketDrops, location, paired…). */
const reportGap = z.object({
  startMs: z.number(),
  endMs: z.number(),
  durationMs: z.number(),
  packetsBefore: count,
  bytesBefore: count,
  lostPackets: z.number().nullable(),
  cause: z.string().describe('the decided cause code: sender-paused, packets-lost, local-stall, unknown…'),
  causeText: z.string(),
});

/** The fields of listen's final report that scripts lean on; the report holds more (see `listen --json`). */
const receptionReport = z.looseObject({
  reportVersion: z.number(),
  packets: count,
  bytes: count,
  durationMs: z.number(),
  firstPacketMs: z.number().nullable(),
  lastPacketMs: z.number().nullable(),
  gapThresholdMs: z.number(),
  gaps: z.array(reportGap),
  gapCount: count,
  trailingSilenceMs: z.number().nullable(),
  dutyCycle: z.number().nullable(),
  loss: z.looseObject({ expected: z.number().nullable(), lost: z.number().nullable() }).nullable(),
  verdict: VerdictSchema.optional(),
});

/** `gapscope listen --json-stream`. */
export const ListenLineSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('started'),
    at,
    stream: z.strictObject({ id: z.string(), bound: z.string().nullable(), kind: z.string(), family: z.string(), port: z.number().int() }),
    conditions: z.array(z.string()).describe('the --fail-on conditions, canonical'),
  }),
  z.strictObject({
    type: z.literal('tick'),
    at,
    elapsedMs: z.number().describe('since listening started'),
    packets: count,
    bytes: count,
    lastSecond: z.strictObject({ packets: count, bytes: count }),
    gaps: count,
    dutyCycle: z.number().nullable(),
    lost: z.number().nullable().describe('lost by sequence number so far; null without sequence numbers'),
    openGapMs: z.number().nullable().describe('how long the gap going on now has lasted; null when data flows'),
  }),
  z.strictObject({
    type: z.literal('gap-started'),
    at,
    startMs: z.number().describe('arrival of the last packet before the silence, ms since listening started'),
    thresholdMs: z.number().describe('the silence it had to pass to be a gap'),
  }),
  z.strictObject({
    type: z.literal('gap-ended'),
    at,
    startMs: z.number(),
    endMs: z.number().describe('arrival of the first packet after it'),
    durationMs: z.number(),
    lostPackets: z.number().nullable(),
    cause: z.string().describe('the decided cause code, as in the report'),
  }),
  alertLine,
  warningLine,
  z.strictObject({
    type: z.literal('wire'),
    at,
    state: z.enum(['starting', 'capturing', 'failed', 'stopped']).describe('the wire view (--wire): capturing once the engine has opened the interface and set its filter'),
    engine: z.enum(['dumpcap', 'tcpdump']).nullable(),
    querier: z
      .strictObject({ heard: count, lastFrom: z.string().nullable(), lastVersion: z.string().nullable() })
      .optional()
      .describe("a group's IGMP/MLD membership queries heard on the link so far (a querier is there)"),
  }),
  z.strictObject({ type: z.literal('report'), at, report: receptionReport }),
]);

const serviceSummary = z.strictObject({
  type: z.string(),
  name: z.string(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  addresses: z.array(z.string()),
  interfaces: z.array(z.string()),
});

/** `gapscope browse --json-stream`. */
export const BrowseLineSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('started'),
    at,
    sockets: z.array(z.strictObject({ iface: z.string(), family: z.string() })),
    types: z.array(z.string()).describe('the types asked for; empty: every type found'),
    conditions: z.array(z.string()),
  }),
  z.strictObject({ type: z.literal('tick'), at, elapsedMs: z.number(), services: count, types: count }),
  z.strictObject({ type: z.literal('service-added'), at, service: serviceSummary }),
  z.strictObject({ type: z.literal('service-updated'), at, service: serviceSummary }),
  z.strictObject({ type: z.literal('service-removed'), at, service: serviceSummary }),
  warningLine,
  z.strictObject({
    type: z.literal('report'),
    at,
    report: z.looseObject({ durationMs: z.number(), types: z.array(z.looseObject({ type: z.string(), instances: count })), instances: z.array(z.looseObject({ type: z.string(), name: z.string() })), verdict: VerdictSchema.optional() }),
  }),
]);

/** `gapscope net watch --json-stream`. */
export const NetWatchLineSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('started'), at, interfaces: count, tunnelCount: count, intervalMs: z.number() }),
  z.strictObject({ type: z.literal('tick'), at, elapsedMs: z.number(), changes: count }),
  z.strictObject({ type: z.literal('change'), at, kind: z.string(), severity: z.enum(['info', 'warning']), summary: z.string(), detail: z.record(z.string(), z.unknown()) }),
  z.strictObject({ type: z.literal('report'), at, report: z.strictObject({ durationMs: z.number(), changes: count, warnings: count }) }),
]);

const resolverState = z.strictObject({ server: z.string(), state: z.enum(['unknown', 'answers', 'no-answer']), text: z.string() });

/** `gapscope dns watch --json-stream`. */
export const DnsWatchLineSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('started'), at, servers: z.array(z.string()), name: z.string(), recordType: z.string(), intervalSec: z.number(), conditions: z.array(z.string()) }),
  z.strictObject({ type: z.literal('tick'), at, elapsedMs: z.number(), probes: count, failures: count, resolvers: z.array(resolverState) }),
  z.strictObject({ type: z.literal('probe'), at, server: z.string(), kind: z.string(), rttMs: z.number().nullable(), rcode: z.string().nullable() }),
  z.strictObject({ type: z.literal('resolver-changed'), at, ...resolverState.shape, explanation: z.string() }),
  z.strictObject({
    type: z.literal('report'),
    at,
    report: z.strictObject({ durationMs: z.number(), probes: count, failures: count, slowestMs: z.number().nullable(), resolvers: z.array(resolverState), verdict: VerdictSchema.optional() }),
  }),
]);

/** A line of each stream, as the CLI writes it. */
export type ListenLine = z.infer<typeof ListenLineSchema>;
/** A line of browse's stream. */
export type BrowseLine = z.infer<typeof BrowseLineSchema>;
/** A line of net watch's stream. */
export type NetWatchLine = z.infer<typeof NetWatchLineSchema>;
/** A line of dns watch's stream. */
export type DnsWatchLine = z.infer<typeof DnsWatchLineSchema>;

/** Each stream's schema and the file its JSON Schema is published in (docs/schema/). */
export const STREAM_SCHEMAS = {
  'listen-stream': { schema: ListenLineSchema, title: 'gapscope listen --json-stream: one line' },
  'browse-stream': { schema: BrowseLineSchema, title: 'gapscope browse --json-stream: one line' },
  'net-watch-stream': { schema: NetWatchLineSchema, title: 'gapscope net watch --json-stream: one line' },
  'dns-watch-stream': { schema: DnsWatchLineSchema, title: 'gapscope dns watch --json-stream: one line' },
} as const;

/**
 * The JSON Schema (draft 2020-12) of one stream's lines, as published in docs/schema/NAME.schema.json.
 * Lines are strict objects (an unknown field is refused); the report's nested objects (z.object,
 * looseObject) name the fields scripts lean on and accept more, so a report that gains a field
 * stays valid.
 */
export function streamJsonSchema(name: keyof typeof STREAM_SCHEMAS): Record<string, unknown> {
  const { schema, title } = STREAM_SCHEMAS[name];
  return { title, ...z.toJSONSchema(schema, { io: 'input' }) };
}
