/** The renderer's names for shared/format.ts (one style in the app, the exports and the CLI), plus payload hex. */
import { formatBytes } from '../shared/format';

export {
  formatByteRate,
  formatBytes,
  formatClock,
  formatCount,
  formatDateTime,
  formatDuration,
  formatPacketRate,
  formatPercent,
  formatStreamTime,
  formatTimeOfDay,
} from '../shared/format';

/** Buffer sizes, in the same IEC binary units as every other byte count: "8.00 MiB". */
export function formatBufferSize(n: number): string {
  return formatBytes(n);
}

/** Payload hex as byte pairs separated by spaces, the way packet tools show it: "de ad be ef". */
export function formatHex(hex: string): string {
  return (hex.match(/[0-9a-fA-F]{1,2}/g) ?? []).join(' ');
}
