/**
 * Capture import and compare: the UDP flows of a .pcap/.pcapng file on the back end's machine, one
 * flow analyzed as live reception and shown as a stopped stream, and two captures of one flow on
 * one time axis. Merged into the one contract in shared/contract/index.ts.
 */
import { z } from 'zod';
import type { StreamInfo } from './reception';
import type { CompareReport } from '../capture/compare';
import { parseFlowSelector, type UdpFlow } from '../capture/flows';
import type { CaptureSummary } from '../capture/offlineAnalysis';
import { parseFormat } from '../decoders/streamDecoder';
import type { ReceptionReport } from '../reception/report';
import { event, localPath, pcapngOutputPath, overwriteOptions, request, secondsRange } from './define';

/** A capture file to read (pcap or pcapng, plain or gzip). */
const capturePath = localPath;

/** `SRC>DST` as listCaptureFlows names a flow (or with wildcards, as `--flow` takes it). */
const flowText = z
  .string()
  .trim()
  .min(3)
  .max(200)
  .superRefine((s, ctx) => {
    try {
      parseFlowSelector(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : 'is not a flow' });
    }
  });

const decodeFormat = z
  .string()
  .trim()
  .max(40)
  .refine((s) => parseFormat(s) !== null, { message: 'is not a known format (auto, none, iperf2, iperf3, rtp, mavlink, mpegts, gdl90, nmea, seq, or seq:OFFSET:WIDTH:be|le)' })
  .default('auto');

/** Which flow of the file to analyze, and the same knobs as a live stream. */
export const ImportOptionsSchema = z
  .object({
    /** The flow, as listCaptureFlows names it; absent means the only flow (to `port`, if given). */
    flow: flowText.optional(),
    port: z.number().int().min(1, 'port must be 1–65535').max(65535, 'port must be 1–65535').optional(),
    decode: decodeFormat,
    binMs: z.number().int().min(10, 'bins are 10 ms to 10 s').max(10_000, 'bins are 10 ms to 10 s').default(100),
    /** Gap threshold in ms; absent means automatic, as live. */
    gapMs: z.number().min(1).max(3_600_000).optional(),
  })
  .strict();

/** Which flow to compare (one selector for both files, or one per file) and how to bin and match. */
export const CompareOptionsSchema = z
  .object({
    /** The flow in both captures (in A only when flowB is given); absent means the only one (to `port`, if given). */
    flow: flowText.optional(),
    /** B's flow when it differs from A's (NAT, another interface, a recording's rebuilt headers). */
    flowB: flowText.optional(),
    port: z.number().int().min(1, 'port must be 1–65535').max(65535, 'port must be 1–65535').optional(),
    /** How packets are matched: by the sequence number this format carries, else by payload ('none'). */
    decode: decodeFormat,
    binMs: z.number().int().min(10, 'bins are 10 ms to 10 s').max(10_000, 'bins are 10 ms to 10 s').default(100),
  })
  .strict();

/** What a capture file held, besides its flows. */
export type CaptureFileSummary = CaptureSummary & { file: string; compressed: boolean; fileBytes: number };

/** The UDP flows of a capture, most datagrams first. */
export interface CaptureFlowList {
  flows: UdpFlow[];
  capture: CaptureFileSummary;
}

/** The compare of one flow in two captures, and which flow each side used. */
export type CaptureCompare = CompareReport & { flows: { a: string; b: string } };

/** `listen`'s report of one flow of a capture, and what the file held (gapscope analyze). */
export type CaptureReport = ReceptionReport & { capture: CaptureFileSummary };

/** What a saved range holds: packets of the input, packets in the range, the file's size. */
export interface SavedCaptureRange {
  file: string;
  seen: number;
  packets: number;
  bytes: number;
}

/** Which reading a progress report is about. */
export type CaptureOperation = 'list' | 'import' | 'compare' | 'analyze' | 'save';

/** How far reading a capture has come; sent at most ~5 times a second, and once when it ends. */
export interface ImportProgress {
  operation: CaptureOperation;
  /** reading while the file is read; done, cancelled or failed once, at the end. */
  phase: 'reading' | 'done' | 'cancelled' | 'failed';
  /** The file being read (for a compare, A then B). */
  path: string;
  /** Bytes of the file(s) on disk read so far, out of totalBytes (both files for a compare). */
  bytesRead: number;
  totalBytes: number;
  /** Frames read so far in the current file. */
  packets: number;
}

/** Requests of this feature. */
export const captureRequests = {
  /** Reads a capture file and lists its UDP flows (src → dst, packets, bytes, first/last) with what the file held. */
  listCaptureFlows: request(z.tuple([capturePath.describe('path')])).returns<CaptureFlowList>(),
  /** Analyzes one flow of a capture as live reception does and shows it in Reception as a stopped stream. */
  importCapture: request(z.tuple([capturePath.describe('path'), ImportOptionsSchema.optional()])).returns<StreamInfo>(),
  /** Compares one flow in two captures (e.g. at the sender and at the receiver): byte difference over time, missing packets, delay. */
  compareCaptures: request(z.tuple([capturePath.describe('path'), capturePath.describe('otherPath'), CompareOptionsSchema.optional()])).returns<CaptureCompare>(),
  /** The report of one flow of a capture, as `listen` gives it live, with what the file held; shows nothing in Reception (gapscope analyze). */
  analyzeCapture: request(z.tuple([capturePath.describe('path'), ImportOptionsSchema.optional()])).returns<CaptureReport>(),
  /** A report to export: a saved JSON report (listen/analyze --json, an export) as it is, or one flow of a capture analyzed (gapscope export). */
  readReport: request(z.tuple([capturePath.describe('path'), ImportOptionsSchema.optional()])).returns<ReceptionReport>(),
  /** Saves a time range of a capture (whole when null) as a new pcapng file; an existing file is never replaced unless overwrite is asked. */
  saveCaptureRange: request(z.tuple([capturePath.describe('path'), secondsRange.nullable(), pcapngOutputPath.describe('output'), overwriteOptions.optional()])).returns<SavedCaptureRange>(),
  /** Stops every capture being read (list, import or compare); each fails with "cancelled". Resolves to how many were running. */
  cancelImport: request(z.tuple([])).returns<number>(),
} as const;

/** Events of this feature. */
export const captureEvents = {
  /** Progress of reading a capture, for the progress bar of a large file. */
  importProgress: event<ImportProgress>(),
} as const;
