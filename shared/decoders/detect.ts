/**
 * Guesses a stream's payload format from its first datagrams (and its port), so that `--decode auto`
 * works without the user knowing what the sender speaks. Each format is scored by how many samples
 * fit its structure and how consistent its sequence numbers are; the user can always override.
 */
import { u32be } from './bytes';
import { FrameStatus, GDL90_MAX_FRAME, scanGdl90, type FrameStatusCode } from './gdl90Frame';
import { iperf2IdBits } from './iperf2';
import { IPERF3_CONNECT_MSG, iperf3CountBits } from './iperf3';
import { decodeMavlinkFrame, type MavlinkFrame } from './mavlink';
import { isTransportStream } from './mpegts';
import { checkNmeaSentence } from './nmea';
import { decodeRtp, isRtcp, type RtpHeader } from './rtp';
import type { FormatName } from './types';

/** One candidate format and how sure the guess is (0–1). */
export interface FormatGuess {
  format: FormatName;
  confidence: number;
  /** Why, in a sentence. */
  reason: string;
}

/** The best guess and every format's score, best first. */
export interface Detection extends FormatGuess {
  candidates: FormatGuess[];
}

/** Below this score no format is claimed. */
export const DETECTION_THRESHOLD = 0.5;

/** Ports that hint at a format (a small bonus only: ports are often reused). */
const PORT_HINTS: ReadonlyMap<number, FormatName> = new Map<number, FormatName>([
  [4000, 'gdl90'],
  [43211, 'gdl90'],
  [14550, 'mavlink'],
  [14555, 'mavlink'],
  [5001, 'iperf2'],
  [5201, 'iperf3'],
  [5004, 'rtp'],
  [10110, 'nmea'],
]);

/** strong: the evidence cannot fit by chance (a 16-bit CRC checked on every frame), so few samples suffice. */
type Scorer = (samples: readonly Uint8Array[]) => { score: number; reason: string; strong?: boolean };

function share(samples: readonly Uint8Array[], test: (p: Uint8Array) => number): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const p of samples) sum += test(p);
  return sum / samples.length;
}

/** Share of consecutive pairs whose counter moved forward by 1–10 (wrapping at `modulus`, 0 = no wrap). */
function steps(values: number[], modulus = 0): number {
  if (values.length < 2) return 0;
  let ok = 0;
  for (let i = 1; i < values.length; i++) {
    let d = values[i]! - values[i - 1]!;
    if (modulus) d = ((d % modulus) + modulus) % modulus;
    if (d >= 1 && d <= 10) ok++;
  }
  return ok / (values.length - 1);
}

const gdl90: Scorer = (samples) => {
  const scratch = new Uint8Array(GDL90_MAX_FRAME + 2);
  let good = 0;
  let bad = 0;
  const fit = share(samples, (p) => {
    if (p[0] !== 0x7e) return 0;
    let ok = 0;
    let ko = 0;
    scanGdl90(p, scratch, (_m: Uint8Array, _l: number, status: FrameStatusCode) => (status === FrameStatus.ok ? ok++ : ko++));
    good += ok;
    bad += ko;
    return ok > 0 && ko === 0 ? 1 : ok > 0 ? 0.5 : 0;
  });
  return { score: fit, reason: `${good} GDL90 frames with a valid CRC, ${bad} without`, strong: good > 0 && bad === 0 };
};

const mpegts: Scorer = (samples) => {
  const fit = share(samples, (p) => (isTransportStream(p) ? 1 : 0));
  return { score: fit, reason: `${Math.round(fit * 100)}% of datagrams are whole 188-byte packets starting 0x47` };
};

const mavlink: Scorer = (samples) => {
  const f = {} as MavlinkFrame;
  let checked = 0;
  let unchecked = 0;
  const fit = share(samples, (p) => {
    let offset = 0;
    let frames = 0;
    let weight = 0;
    while (offset < p.length) {
      const frame = decodeMavlinkFrame(p, offset, f);
      if (!frame) return 0;
      frames++;
      offset += frame.frameLength;
      if (frame.crcState === 'ok') checked++;
      else unchecked++;
      weight += frame.crcState === 'ok' ? 1 : frame.crcState === 'not checked' ? 0.8 : 0.2;
    }
    return frames ? weight / frames : 0;
  });
  return { score: fit, reason: `${Math.round(fit * 100)}% of datagrams are whole MAVLink frames (${checked} with a checked CRC)`, strong: checked > 0 && unchecked === 0 };
};

const nmea: Scorer = (samples) => {
  const fit = share(samples, (p) => {
    let end = 0;
    while (end < p.length && p[end] !== 0x0d && p[end] !== 0x0a) end++;
    const state = checkNmeaSentence(p, 0, end);
    return state === 'ok' ? 1 : state === 'missing' ? 0.6 : 0;
  });
  return { score: fit, reason: `${Math.round(fit * 100)}% of datagrams start with an NMEA sentence with a valid checksum` };
};

const rtp: Scorer = (samples) => {
  const h = {} as RtpHeader;
  const bySsrc = new Map<number, number[]>();
  let valid = 0;
  for (const p of samples) {
    if (isRtcp(p) || !decodeRtp(p, h)) continue;
    valid++;
    const list = bySsrc.get(h.ssrc) ?? [];
    list.push(h.sequence);
    bySsrc.set(h.ssrc, list);
  }
  let dominant: number[] = [];
  for (const list of bySsrc.values()) if (list.length > dominant.length) dominant = list;
  const fit = samples.length ? valid / samples.length : 0;
  const ssrcShare = valid ? dominant.length / valid : 0;
  const seq = dominant.length >= 2 ? steps(dominant, 65536) : 0.3;
  return { score: fit * ssrcShare * seq, reason: `${valid} RTP v2 headers, ${bySsrc.size} SSRC(s), ${Math.round(seq * 100)}% of sequence steps +1…+10` };
};

const PLAUSIBLE_EPOCH_S = 946_684_800; // 2000-01-01: iperf 2 stamps wall-clock time

const iperf2: Scorer = (samples) => {
  const ids: number[] = [];
  let timeOk = 0;
  let sec0 = -1;
  let epoch = 0;
  let flagged = 0;
  const usecs = new Set<number>();
  for (const p of samples) {
    if (p.length < 16) continue;
    const id = u32be(p, 0);
    const sec = u32be(p, 4);
    const usec = u32be(p, 8);
    usecs.add(usec);
    if (sec0 < 0) sec0 = sec;
    if (usec < 1_000_000 && Math.abs(sec - sec0) <= 60) timeOk++;
    if (sec >= PLAUSIBLE_EPOCH_S) epoch++;
    if (iperf2IdBits(p) === 64) flagged++;
    if (!(id & 0x80000000)) ids.push(id);
  }
  const n = samples.length || 1;
  // iperf stamps every datagram with the microseconds of its send time: a field that never changes is
  // something else counting at offset 0 (ONC RPC, as NFS over UDP: xid, then message type and RPC
  // version, read here as 0 or 1 seconds and 2 microseconds).
  const frozen = ids.length >= 4 && usecs.size === 1 ? 0.3 : 1;
  const score = (timeOk / n) * steps(ids) * (epoch / n >= 0.5 ? 1 : 0.8) * frozen;
  return { score: Math.min(1, score + (flagged / n) * 0.05), reason: `id at offset 0 counts up in ${Math.round(steps(ids) * 100)}% of steps; send times ${epoch ? 'are wall-clock' : 'are not wall-clock'}${flagged ? '; iperf 2.1 header flags present' : ''}` };
};

const iperf3: Scorer = (samples) => {
  const counts: number[] = [];
  let timeOk = 0;
  let sec0 = -1;
  let data = 0;
  for (const p of samples) {
    if (p.length === 4 && u32be(p, 0) === IPERF3_CONNECT_MSG) continue;
    data++;
    if (p.length < 12) continue;
    const sec = u32be(p, 0);
    const usec = u32be(p, 4);
    if (sec0 < 0) sec0 = sec;
    if (usec < 1_000_000 && Math.abs(sec - sec0) <= 60) timeOk++;
    counts.push(iperf3CountBits(p) === 64 ? u32be(p, 12) : u32be(p, 8));
  }
  const score = data ? (timeOk / data) * steps(counts) : 0;
  return { score, reason: `count at offset 8 counts up in ${Math.round(steps(counts) * 100)}% of steps, sec/usec at 0/4` };
};

const MICROS_2000 = 946_684_800e6;
const MICROS_2100 = 4_102_444_800e6;

const seq: Scorer = (samples) => {
  const values: number[] = [];
  let timeOk = 0;
  for (const p of samples) {
    if (p.length < 16) continue;
    values.push(u32be(p, 0) * 2 ** 32 + u32be(p, 4));
    const us = u32be(p, 8) * 2 ** 32 + u32be(p, 12);
    if (us >= MICROS_2000 && us <= MICROS_2100) timeOk++;
  }
  const n = samples.length || 1;
  return { score: (timeOk / n) * steps(values), reason: `64-bit sequence counts up in ${Math.round(steps(values) * 100)}% of steps, µs send times` };
};

const SCORERS: ReadonlyArray<[FormatName, Scorer]> = [
  ['gdl90', gdl90],
  ['mpegts', mpegts],
  ['mavlink', mavlink],
  ['nmea', nmea],
  ['rtp', rtp],
  ['iperf2', iperf2],
  ['iperf3', iperf3],
  ['seq', seq],
];

/**
 * Guesses the format of a stream from its first payloads (8–32 is plenty) and its port. Returns
 * 'none' when nothing fits well enough. Never throws.
 */
export function detectFormat(samples: readonly Uint8Array[], port?: number): Detection {
  const hinted = port === undefined ? undefined : PORT_HINTS.get(port);
  const candidates: FormatGuess[] = [];
  // Few samples: a structure may fit by chance, unless every frame passed a CRC.
  const fewSamples = samples.length >= 8 ? 1 : 0.6 + 0.05 * samples.length;
  for (const [format, scorer] of SCORERS) {
    const { score, reason, strong } = scorer(samples);
    let confidence = score * (strong ? 1 : fewSamples);
    let why = reason;
    if (score > 0 && hinted === format) {
      confidence = Math.min(1, confidence + 0.05);
      why += `; port ${port} is usual for it`;
    }
    candidates.push({ format, confidence: Math.round(confidence * 1000) / 1000, reason: why });
  }
  candidates.sort((a, b) => b.confidence - a.confidence);
  const best = candidates[0]!;
  if (best.confidence < DETECTION_THRESHOLD) {
    const none: FormatGuess = { format: 'none', confidence: Math.round((1 - best.confidence) * 1000) / 1000, reason: `no format fits: best was ${best.format} (${best.reason})` };
    return { ...none, candidates: [none, ...candidates] };
  }
  return { ...best, candidates };
}
