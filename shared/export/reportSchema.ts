/** Checks a JSON report read from a file (listen --json, analyze --json, a UI export) before exporting it. */
import { z } from 'zod';
import { GAP_CAUSE_CODES, gapCause } from '../reception/gapCause';
import { REPORT_VERSION, type ReceptionReport, type ReportGap } from '../reception/report';

// A version 1 report (no reportVersion) carries the detector's raw flag, `unexplained` or
// `local-stall`, as a gap's cause: read either, and give back the one decided code.
const gap = z
  .object({
    startMs: z.number(),
    endMs: z.number(),
    durationMs: z.number(),
    packetsBefore: z.number(),
    bytesBefore: z.number(),
    cause: z.enum([...GAP_CAUSE_CODES, 'unexplained']),
    lostPackets: z.number().nullable().default(null),
    // The kernel's buffer drops and where the socket's misses were lost (the wire view beside it), when known.
    socketDrops: z.number().int().min(0).nullable().optional(),
    socketDropsScope: z.enum(['socket', 'machine']).optional(),
    suggestedRecvBufferBytes: z.number().min(0).nullable().optional(),
    location: z
      .object({
        where: z.enum(['none', 'before-wire', 'socket-buffer', 'after-wire', 'mixed']),
        matchedBy: z.enum(['sequence', 'time']),
        missed: z.number().int().min(0),
        beforeWire: z.number().int().min(0),
        socketBuffer: z.number().int().min(0),
        afterWire: z.number().int().min(0),
      })
      .optional(),
    // The paired sender's account of the gap (shared/reception/pairing.ts), when the stream was paired.
    paired: z.object({ missing: z.number().int().min(0), refused: z.number().int().min(0), lostOnPath: z.number().int().min(0), restarted: z.boolean() }).nullable().optional(),
  })
  .transform((g): ReportGap => {
    const cause = gapCause(g);
    return { ...g, cause: cause.code, causeText: cause.text };
  });

/** The fields the exporters read; anything else in the file is kept as it is. */
export const ReportFileSchema = z
  .object({
    reportVersion: z
      .number()
      .int()
      .min(1)
      .max(REPORT_VERSION, `this report was made by a newer Gapscope (report version above ${REPORT_VERSION}); update Gapscope to read it`)
      .optional(),
    stream: z.record(z.string(), z.unknown()).default({}),
    startedAt: z.string(),
    packets: z.number(),
    bytes: z.number(),
    durationMs: z.number(),
    gapThresholdMs: z.number(),
    gapThresholdAutomatic: z.boolean().default(false),
    gaps: z.array(gap).max(1_000_000),
    gapCount: z.number(),
    trailingSilenceMs: z.number().nullable().default(null),
    dutyCycle: z.number().nullable().default(null),
    periodicity: z.object({ summary: z.string() }).passthrough(),
    localStalls: z.array(z.object({ startMs: z.number(), endMs: z.number(), durationMs: z.number() })).default([]),
    expected: z.object({ bytesRatio: z.number().nullable(), packetsRatio: z.number().nullable() }).passthrough().nullable().default(null),
    loss: z.object({ received: z.number(), expected: z.number().nullable(), lost: z.number().nullable(), duplicates: z.number().nullable(), reordered: z.number().nullable() }).nullable().default(null),
    jitterMs: z.number().nullable().default(null),
    decode: z.object({ format: z.string(), crcErrors: z.number(), notes: z.array(z.string()) }).nullable().default(null),
    binMs: z.number().positive(),
    bins: z.array(z.object({ startMs: z.number(), packets: z.number(), bytes: z.number(), lost: z.number().default(0) })).max(10_000_000),
  })
  .passthrough()
  .transform((r) => ({ ...r, reportVersion: REPORT_VERSION }));

/** Parses JSON text into a report (a version 1 file comes back as version 2), or says in one sentence what is wrong with it. */
export function parseReportFile(text: string): { ok: true; report: ReceptionReport } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const parsed = ReportFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, message: `is not a Gapscope report: ${i?.path.join('.') || 'the file'}: ${i?.message ?? 'unexpected shape'}` };
  }
  return { ok: true, report: parsed.data as unknown as ReceptionReport };
}
