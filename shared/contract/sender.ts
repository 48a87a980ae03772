/** The traffic generator: what the UI asks to send and hears back, merged into the one contract. */
import { z } from 'zod';
import { parsePattern, parseRate } from '../generator/sendSchedule';
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
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.format === 'gdl90') {
      const kind = parsePattern(c.pattern)?.kind;
      if (kind !== undefined && kind !== 'steady' && kind !== 'pause') ctx.addIssue({ code: 'custom', path: ['pattern'], message: "must be steady or pause:ON_MS/OFF_MS with gdl90, which sends a receiver's own mix at 1 Hz and 5 Hz" });
      return;
    }
    const pps = parseRate(c.rate, c.size);
    if (pps === null) ctx.addIssue({ code: 'custom', path: ['rate'], message: 'is not a rate: give packets/s (1000, 1000pps) or a bit rate of payload (2M, 500kbit)' });
    else if (pps > 1e6) ctx.addIssue({ code: 'custom', path: ['rate'], message: `is ${Math.round(pps)} packets/s; the generator stops at 1,000,000` });
  });

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
  elapsedMs: number;
  achievedPps: number;
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
