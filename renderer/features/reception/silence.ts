/** When the reception view asks why a stream receives nothing: a running stream that has heard nothing for a few seconds. */
import type { SilentStream } from '../../../shared/contract/network';
import type { StreamInfo } from '../../../shared/contract';
import { LOCAL_NETWORK_SILENCE_MS } from '../../../shared/network/explain';

/** The question to ask the back end about this stream, or null while it receives or has just started. */
export function silenceQuestion(info: StreamInfo, packets: number, nowMs: number): SilentStream | null {
  if (info.status !== 'listening' || packets > 0 || nowMs < LOCAL_NETWORK_SILENCE_MS) return null;
  return { kind: info.kind, packets, listeningMs: Math.round(nowMs) };
}
