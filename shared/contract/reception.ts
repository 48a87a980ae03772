/** Reception's entries in the contract: what the user asks to listen to, and the streams as the back end runs them. */
import { z } from 'zod';
import { addressFamily, isMulticast, parseIPv4, parseIPv6 } from '../net/address';
import type { AddressFamily, ReceptionKind } from '../net/address';
import { parseFormat } from '../decoders/streamDecoder';
import type { ErrorInfo } from '../errors';
import type { NetInterface } from '../network/types';
import type { WifiLinkTiming } from '../network/wifiTiming';
import type { ReceptionDelta, ReceptionSnapshot } from '../reception/types';
import type { RecvBufferVerdict } from '../reception/receiveBuffer';
import { ConditionError, parseCondition } from '../verdict/conditions';
import type { ActiveAlert, AlertChange } from '../verdict/alertWatch';
import { event, request } from './define';

const ipAddress = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((s) => parseIPv4(s) !== null || parseIPv6(s) !== null, { message: 'is not an IPv4 or IPv6 address' });

/** Interface names as the OS gives them, or an address on the interface. */
const interfaceRef = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:%@-]+$/, { message: 'is not an interface name or address' });

/** A condition to alert on (shared/verdict/conditions.ts: gap>500ms, loss>1%…); the refusal is the parser's own sentence. */
const alertCondition = z
  .string()
  .max(100)
  .superRefine((text, ctx) => {
    try {
      parseCondition(text, 'stream');
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
    }
  });

/** What the user asks to listen to; validated before any socket is opened. */
export const StreamConfigSchema = z
  .object({
    port: z.number().int().min(1, 'port must be 1–65535').max(65535, 'port must be 1–65535'),
    /** Local address to bind, a broadcast address, or the multicast group to join. */
    address: ipAddress.optional(),
    /** Interface to join the group on (or to bind to), by name or address. */
    iface: interfaceRef.optional(),
    /** Source for source-specific multicast. */
    source: ipAddress.optional(),
    /** Force the family when no address says it (default IPv4). */
    family: z.enum(['ipv4', 'ipv6']).optional(),
    binMs: z.number().int().min(10, 'bins are 10 ms to 10 s').max(10_000, 'bins are 10 ms to 10 s').default(100),
    /** Gap threshold in ms; absent means automatic from the stream's cadence. */
    gapMs: z.number().min(1).max(3_600_000).optional(),
    expectedBytesPerSec: z.number().positive().max(1e11).optional(),
    expectedPacketsPerSec: z.number().positive().max(1e9).optional(),
    /** Receive buffer to ask the OS for, bytes. */
    recvBufferBytes: z.number().int().min(4096).max(1 << 30).default(8 * 1024 * 1024),
    label: z.string().max(100).optional(),
    /** Payload format for sequence-based loss: auto, none, iperf2, iperf3, rtp, mavlink, mpegts, gdl90, nmea, seq, or seq:OFFSET:WIDTH:be|le. */
    decode: z
      .string()
      .trim()
      .max(40)
      .refine((s) => parseFormat(s) !== null, { message: 'is not a known format (auto, none, iperf2, iperf3, rtp, mavlink, mpegts, gdl90, nmea, seq, or seq:OFFSET:WIDTH:be|le)' })
      .default('auto'),
    /** Watch the same flow on the wire with the capture engine (dumpcap, tcpdump): beside the socket, or alone (a port another program owns); absent = off. */
    wire: z.enum(['off', 'beside', 'only']).optional(),
    /** Which capture engine the wire view runs; absent = dumpcap where installed, else tcpdump. */
    wireEngine: z.enum(['dumpcap', 'tcpdump']).optional(),
    /** Conditions to raise live alerts on (the same words as --fail-on), judged at each update with hysteresis. */
    alertOn: z.array(alertCondition).max(20, 'at most 20 alert conditions').optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const fam = c.address ? addressFamily(c.address) : null;
    if (c.family && fam && c.family !== fam) {
      ctx.addIssue({ code: 'custom', path: ['family'], message: `address ${c.address} is ${fam}, not ${c.family}` });
    }
    if (c.source) {
      if (!c.address || !isMulticast(c.address)) {
        ctx.addIssue({ code: 'custom', path: ['source'], message: 'a source is only meaningful with a multicast group' });
      } else if (addressFamily(c.source) !== fam) {
        ctx.addIssue({ code: 'custom', path: ['source'], message: 'source and group must be the same address family' });
      }
    }
  });

/** A stream configuration as the user gives it (defaults not yet applied). */
export type StreamConfigInput = z.input<typeof StreamConfigSchema>;
/** A validated stream configuration with defaults applied. */
export type StreamConfig = z.output<typeof StreamConfigSchema>;

/** A stream as the back end runs it. */
export interface StreamInfo {
  id: string;
  config: StreamConfig;
  kind: ReceptionKind;
  family: AddressFamily;
  status: 'starting' | 'listening' | 'stopped' | 'error';
  /** Why the stream failed (status 'error'). */
  error: ErrorInfo | null;
  /** A problem that did not stop listening, e.g. the joined interface disappeared. */
  warning: ErrorInfo | null;
  /** Wall-clock time of the start of listening, ms since the epoch; stream times count from here. */
  startedAt: number;
  /** The local address and port the socket is bound to. */
  bound: string | null;
  recvBufferRequested: number;
  /** What the OS actually granted (Linux reports double the request, capped by rmem_max). */
  recvBufferGranted: number | null;
  /** What that means: the part of the request honoured, the OS's cap and how to raise it. Absent before listening and in records saved before it was. */
  recvBuffer?: RecvBufferVerdict;
  /**
   * Where its data comes from: a socket listening now ('live'), a recorded session opened
   * ('session', exactly the recording's packets and time range), or an imported capture
   * ('import'). Only a live stream has live data to follow. Absent in records saved before it was.
   */
  origin?: StreamOrigin;
  /** The wire view's state, when the stream asked for one (config.wire beside or only). */
  wire?: WireStatus;
  /** The Wi-Fi link the stream may arrive on (beacon interval, DTIM period, power save), read while it listens; absent when no Wi-Fi link is associated or the stream is on loopback. */
  wifi?: WifiLinkTiming;
  /** The attached agent this stream runs on (its id then reads `<id on the agent>@<agent id>`); absent for this back end's own streams. */
  agent?: { id: string; name: string };
}

/**
 * A stream's wire view: the capture engine watching the same flow on the interface (electron/wire).
 * With `mode: 'only'` the stream's own data is the wire view's; with 'beside' it travels beside the
 * socket's as StreamUpdate.wire and StreamState.wire.
 */
export interface WireStatus {
  mode: 'beside' | 'only';
  state: 'starting' | 'capturing' | 'failed' | 'stopped';
  /** dumpcap or tcpdump, and where it was found; null when none was. */
  engine: 'dumpcap' | 'tcpdump' | null;
  enginePath: string | null;
  iface: string | null;
  /** The capture filter the engine runs. */
  filter: string | null;
  /** Why it failed or stopped by itself, with how to grant it when it lacked permission. */
  error: ErrorInfo | null;
  /** Packets the engine itself dropped (its own buffer), as it said when it ended; null until then. */
  engineDrops: number | null;
  /** For a multicast stream: the IGMP/MLD membership queries heard on the link since the capture began (a querier is there). */
  querier?: QuerierHeard;
}

/** The membership queries a multicast stream's wire view heard. */
export interface QuerierHeard {
  heard: number;
  /** The last query's sender, version (IGMPv2, MLDv2…) and time on the stream's clock. */
  lastFrom: string | null;
  lastVersion: string | null;
  lastAtMs: number | null;
}

/** Where a stream's data comes from. */
export type StreamOrigin = 'live' | 'session' | 'import';

/** A live update of one stream. */
export interface StreamUpdate {
  id: string;
  delta: ReceptionDelta;
  /** The wire view's update, on the same clock, when it runs beside the socket. */
  wire?: ReceptionDelta;
}

/** The full state of a stream, for a window that opens while it runs. */
export interface StreamState {
  info: StreamInfo;
  snapshot: ReceptionSnapshot;
  /** The wire view's measurements, when it runs beside the socket. */
  wire?: ReceptionSnapshot;
  /** The stream's alerts raised now (config.alertOn). */
  alerts?: ActiveAlert[];
}

/** An alert of a stream raised, repeated (met again while up) or cleared, with every alert of that stream raised after it. */
export interface StreamAlert {
  id: string;
  change: AlertChange;
  raised: ActiveAlert[];
}

/** A stream's id: a local one, or an attached agent's stream as `<its id on the agent>@<agent id>` (local ids hold no '@'). */
const streamId = z.string().regex(/^[a-z0-9-]{1,40}(@[a-z0-9]{1,12})?$/, 'is not a stream id');

/** Reception's requests: streams started, stopped, removed and read. */
export const receptionRequests = {
  /** Local interfaces, to pick one for a group join. */
  listInterfaces: request(z.tuple([])).returns<NetInterface[]>(),
  /** Opens a socket and starts measuring; fails with a clear error if it cannot. */
  startStream: request(z.tuple([StreamConfigSchema])).returns<StreamInfo>(),
  /** Closes the socket; the stream's data stays for viewing. */
  stopStream: request(z.tuple([streamId])).returns<StreamInfo>(),
  /** Forgets a stopped stream. */
  removeStream: request(z.tuple([streamId])).returns<void>(),
  /** The streams the back end knows, running or stopped. */
  listStreams: request(z.tuple([])).returns<StreamInfo[]>(),
  /** Everything known about one stream, for a window that opens late. */
  getStreamState: request(z.tuple([streamId])).returns<StreamState>(),
};

/** Reception's events: live measurements and status changes. */
export const receptionEvents = {
  /** Live measurements of a stream, at display rate. */
  streamUpdate: event<StreamUpdate>(),
  /** A stream started, stopped, failed or was removed. */
  streamStatus: event<StreamInfo>(),
  /** A stream was forgotten. */
  streamRemoved: event<{ id: string }>(),
  /** One of a stream's alert conditions was met (raised), met again while up (repeated) or has not been for a while (cleared). */
  streamAlert: event<StreamAlert>(),
};
