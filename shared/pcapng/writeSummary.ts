/**
 * The session's metadata inside the capture: a trailing section whose header carries it as JSON
 * comments. A separate section keeps the packets' sections untouched (the file can be appended to
 * at the stop) and capinfos and Wireshark's capture file properties show section comments.
 */
import { sectionHeaderBlock, type SectionInfo } from './write';

/** The first line of the summary comment, to find it among other comments. */
export const SUMMARY_HEADING = 'Gapscope session summary (JSON; the same as the session.json sidecar)';

/** A Section Header Block with no interfaces or packets, commented with the session's metadata as JSON. */
export function sessionSummaryBlock(section: SectionInfo, metadata: unknown): Uint8Array {
  return sectionHeaderBlock({ ...section, comment: `${SUMMARY_HEADING}\n${JSON.stringify(metadata)}` });
}
