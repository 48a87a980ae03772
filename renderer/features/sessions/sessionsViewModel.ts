/** What the Record button says, computed from the recording state: pure, so it is tested without a browser. */
import type { RecordingState } from '../../../shared/contract/sessions';
import type { ErrorInfo } from '../../../shared/errors';

/** Packets recorded so far, and those the disk could not keep up with, over every stream. */
export function recordedPackets(r: RecordingState | null): { packets: number; notRecorded: number } {
  let packets = 0;
  let notRecorded = 0;
  for (const s of r?.streams ?? []) {
    packets += s.packets;
    notRecorded += s.notRecorded;
  }
  return { packets, notRecorded };
}

/** What to say beside the Record button: a click that failed, else why the last recording stopped by itself (full disk, permission). */
export function recordProblem(s: { recording: RecordingState | null; recordError: ErrorInfo | null }): ErrorInfo | null {
  if (s.recordError) return s.recordError;
  return s.recording && !s.recording.recording ? s.recording.error : null;
}
