/** The traffic generator: what the UI asks to send and hears back, merged into the one contract. */
import { z } from 'zod';
import { parsePattern, parseRate } from '../generator/sendSchedule';
import { PAIRED_MIN_SIZE } from '../generator/pairing';
import { parseSweep, sweepValues, type SweepPlan } from '../generator/sweep';
import { parseIPv4, parseIPv6 } from '../net/address';
import type { ErrorInfo } from '../errors';
import { event, request } from './define';

/** Payload formats the generator writes; gdl90 is a whole receiver's stream (1 Hz and 5 Hz messages). */
export const SENDER_FORMATS = ['seq', 'iperf2', 'rtp', 'gdl90'] as const;

/** What the user asks to send; validated before any socket is opened. */
export const SenderConfigSchema = z
  .object({
    host: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .refine((s) => parseIPv4(s) !== null || parseIPv6(s) !== null, { message: 'is not an IPv4 or IPv6 address' }),
    port: z.number().int().min(1, 'port must be 1–65535').max(65535, 'port must be 1–65535'),
    /** Interface to send multicast from, by name or address. */
    iface: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.:%@-]+$/, { message: 'is not an interface name or address' })
      .optional(),
    ttl: z.number().int().min(0).max(255).optional(),
    /** Packets/s ("1000", "1000pps") or a payload bit rate ("2M", "500kbit"); ignored by gdl90. */
    rate: z.string().trim().min(1).max(20).default('1000'),
    size: z.number().int().min(16, 'size is 16 to 65,507 bytes').max(65_507, 'size is 16 to 65,507 bytes').default(512),
    format: z.enum(SENDER_FORMATS).default('seq'),
    /** steady, pause:ON_MS/OFF_MS, burst:N/EVERY_MS, cut-after:BYTES[/PAUSE_MS]. */
    pattern: z
      .string()
      .trim()
      .max(40)
      .refine((s) => parsePattern(s) !== null, { message: 'is not one of steady, pause:ON_MS/OFF_MS, burst:N/EVERY_MS, cut-after:BYTES[/PAUSE_MS]' })
      .default('steady'),
    /** Stop after this many seconds; absent = until stopped. */
    durationSec: z.number().positive().max(31 * 24 * 3600).optional(),
    /** Write the sender's account into each datagram for a listener to pair with (seq format, 52 bytes or more); absent = whenever it fits. */
    pair: z.boolean().optional(),
    /** Raise rate, size or burst in steps: rate:FROM-TO/STEPS, size:FROM-TO/STEPS, burst:FROM-TO/STEPS. */
    sweep: z.string().trim().max(60).optional(),
    /** How long each sweep step lasts. */
    stepSec: z.number().min(0.2, 'a step lasts 0.2 s to 1 hour').max(3600, 'a step lasts 0.2 s to 1 hour').default(2),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.pair === true && c.format !== 'seq') ctx.addIssue({ code: 'custom', path: ['pair'], message: `must go with the seq format, which carries the sender's account; ${c.format} has no room for it` });
    else if (c.pair === true && c.size < PAIRED_MIN_SIZE) ctx.addIssue({ code: 'custom', path: ['pair'], message: `must go with datagrams of ${PAIRED_MIN_SIZE} bytes or more, to carry the sender's account` });
    if (c.sweep !== undefined) checkSweep(c, ctx);
    if (c.format === 'gdl90') {
      const kind = parsePattern(c.pattern)?.kind;
      if (kind !== undefined && kind !== 'steady' && kind !== 'pause') ctx.addIssue({ code: 'custom', path: ['pattern'], message: "must be steady or pause:ON_MS/OFF_MS with gdl90, which sends a receiver's own mix at 1 Hz and 5 Hz" });
      return;
    }
    const pps = parseRate(c.rate, c.size);
    if (pps === null) ctx.addIssue({ code: 'custom', path: ['rate'], message: 'is not a rate: give packets/s (1000, 1000pps) or a bit rate of payload (2M, 500kbit)' });
    else if (pps > 1e6) ctx.addIssue({ code: 'custom', path: ['rate'], message: `is ${Math.round(pps)} packets/s; the generator stops at 1,000,000` });
  });

function checkSweep(c: { sweep?: string; size: number; format: string; pattern: string; pair?: boolean; durationSec?: number }, ctx: z.RefinementCtx): void {
  const s = parseSweep(c.sweep ?? '', c.size);
  const issue = (message: string): void => ctx.addIssue({ code: 'custom', path: ['sweep'], message });
  if (!s) return issue('is not rate:FROM-TO/STEPS, size:FROM-TO/STEPS or burst:FROM-TO/STEPS (FROM below TO, 2 to 100 steps)');
  if (c.format !== 'seq' || c.pair === false) return issue("must go with the seq format and pairing: a listener tells the steps apart by the sender's account");
  if (c.durationSec !== undefined) return issue("must go without a duration: it sets the run's length itself (steps × step time)");
  const kind = parsePattern(c.pattern)?.kind;
  const top = sweepValues(s).at(-1)!;
  if (s.kind === 'burst' && kind !== 'burst') return issue('must go with a burst pattern (burst:N/EVERY_MS) for the period, when it raises the burst');
  if (s.kind !== 'burst' && kind === 'burst') return issue(`must go with a steady or pause pattern when it raises the ${s.kind}; a burst pattern sets its own rate`);
  if (s.kind === 'rate' && top > 1e6) return issue(`must stay at or below 1,000,000 packets/s, where the generator stops; it reaches ${Math.round(top)}`);
  if (s.kind === 'size' && (s.from < PAIRED_MIN_SIZE || top > 65_507)) return issue(`must keep sizes from ${PAIRED_MIN_SIZE} (the smallest datagram with the sender's account) to 65,507 bytes`);
  if (s.kind !== 'size' && c.size < PAIRED_MIN_SIZE) return issue(`must go with datagrams of ${PAIRED_MIN_SIZE} bytes or more, to carry the sender's account`);
  if (s.kind === 'burst' && top > 100_000) return issue('must keep bursts at 100,000 datagrams or fewer');
}

/** The sweep of a config the schema accepted, or null. */
export function configSweep(c: Pick<SenderConfig, 'sweep' | 'size'>): SweepPlan | null {
  return c.sweep === undefined ? null : parseSweep(c.sweep, c.size);
}

/** A sender configuration as the user gives it. */
export type SenderConfigInput = z.input<typeof SenderConfigSchema>;
/** A validated sender configuration with defaults applied. */
export type SenderConfig = z.output<typeof SenderConfigSchema>;

/** A sender as the back end runs it, with its counts so far. */
export interface SenderInfo {
  id: string;
  config: SenderConfig;
  status: 'sending' | 'done' | 'stopped' | 'error';
  error: ErrorInfo | null;
  /** Wall-clock start, ms since the epoch. */
  startedAt: number;
  /** The average packets/s the plan asks for (null for gdl90, which keeps its own timing). */
  targetPps: number | null;
  sent: number;
  bytes: number;
  /** Sends the OS refused (e.g. no route, buffer full). */
  sendErrors: number;
  lastSendError: string | null;
  /** What the send errors mean when they have a likely cause (macOS Local Network privacy); null otherwise. */
  sendErrorHint?: string | null;
  elapsedMs: number;
  achievedPps: number;
  /** Whether each datagram carries the sender's account for a listener to pair with, and the run's id in it (8 hex digits). */
  paired?: boolean;
  run?: string | null;
  /** Datagrams numbered that the OS refused: never sent (the account tells the listener). */
  refused?: number;
  /** With a sweep: what it raises, each step's value and average packets/s, and the steps begun so far with what each sent. */
  sweep?: SenderSweep;
}

/** A sweep as the sender runs it. */
export interface SenderSweep {
  kind: SweepPlan['kind'];
  stepSec: number;
  values: number[];
  ratesPps: number[];
  steps: { step: number; value: number; firstSequence: number; sent: number }[];
}

const senderId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'is not a sender id');

/** Requests of the generator. */
export const senderRequests = {
  /** Starts sending; fails with a clear error (bad address, interface, rate) before any packet. */
  startSender: request(z.tuple([SenderConfigSchema])).returns<SenderInfo>(),
  /** Stops a sender; its counts stay. */
  stopSender: request(z.tuple([senderId])).returns<SenderInfo>(),
  /** Forgets a sender that no longer sends. */
  removeSender: request(z.tuple([senderId])).returns<void>(),
  /** Every sender, running or finished. */
  listSenders: request(z.tuple([])).returns<SenderInfo[]>(),
} as const;

/** Events of the generator. */
export const senderEvents = {
  /** A sender's counts (once a second while it sends) or status changed. */
  senderStatus: event<SenderInfo>(),
  /** A sender was forgotten. */
  senderRemoved: event<{ id: string }>(),
} as const;
