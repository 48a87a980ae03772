/** CSV exports of a stream for spreadsheets and bug trackers: bins, gaps, packets. RFC 4180 quoting. */
import { gapCause } from '../reception/gapCause';
import { gapLocationText } from '../reception/gapLocation';
import type { ReceptionReport } from '../reception/report';
import type { PacketSummary } from '../reception/types';

/** One CSV field: quoted when it holds a comma, quote, or line break; formula-leading text defused. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A number's text never needs quoting (digits, '.', '-', 'e', '+'), and is not a formula: skip the tests.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = String(value);
  // A spreadsheet runs a cell that starts with = + - @ as a formula: prefix text cells with a quote.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV text with a header line, CRLF line ends as RFC 4180 asks. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  // One string grown row by row: V8 keeps it as a rope, with no array of lines to join.
  let out = `${header.map(csvField).join(',')}\r\n`;
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) line += i === 0 ? csvField(row[i]) : `,${csvField(row[i])}`;
    out += `${line}\r\n`;
  }
  return out;
}

/** Throughput per bin: start, packets, bytes, bytes/s and packets lost by sequence number. */
export function binsCsv(report: Pick<ReceptionReport, 'bins' | 'binMs'>): string {
  const perSec = 1000 / report.binMs;
  return toCsv(
    ['start_ms', 'packets', 'bytes', 'bytes_per_sec', 'lost_packets'],
    report.bins.map((b) => [b.startMs, b.packets, b.bytes, b.bytes * perSec, b.lost]),
  );
}

/**
 * Every gap with what arrived before it, the packets lost inside it and its cause (gapCause's code
 * and words); when the wire view ran beside the socket, also where the datagrams the socket missed
 * were lost (gapLocation.ts), with the kernel's buffer drops, in columns after those.
 */
export function gapsCsv(report: Pick<ReceptionReport, 'gaps'>): string {
  const located = report.gaps.some((g) => g.location);
  const where = ['socket_drops', 'where', 'where_text', 'missed', 'before_wire', 'socket_buffer', 'after_wire', 'matched_by'];
  return toCsv(
    ['number', 'start_ms', 'end_ms', 'duration_ms', 'packets_before', 'bytes_before', 'lost_packets', 'cause', 'cause_text', ...(located ? where : [])],
    report.gaps.map((g, i) => {
      const cause = gapCause(g);
      const row: unknown[] = [i + 1, g.startMs, g.endMs, g.durationMs, g.packetsBefore, g.bytesBefore, g.lostPackets, cause.code, cause.text];
      if (!located) return row;
      const l = g.location;
      return [...row, g.socketDrops ?? null, l?.where ?? null, l ? gapLocationText(l) : null, l?.missed ?? null, l?.beforeWire ?? null, l?.socketBuffer ?? null, l?.afterWire ?? null, l?.matchedBy ?? null];
    }),
  );
}

/** The packets kept for the inspector: time, source, size, decoded text, first bytes. */
export function packetsCsv(packets: readonly PacketSummary[]): string {
  return toCsv(
    ['time_ms', 'source', 'size', 'decoded', 'first_bytes_hex'],
    packets.map((p) => [p.atMs, p.from, p.size, p.decoded, p.hex]),
  );
}
