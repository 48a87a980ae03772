/**
 * Pairing with `gapscope send`, live: the sender's own account in each datagram
 * (shared/generator/pairing.ts) against what this stream received, so that a gap says "sent and
 * lost on the path: N" or "never sent" with the sender's numbers behind it, and a rate sweep says
 * at which step loss or gaps began. It is the live version of the offline compare
 * (shared/capture/compare.ts, a capture at the sender against one at the receiver): there the
 * sender's packets are a second list; here they are implied by the sender's counters (every
 * sequence number from the first received up to the highest, less those its OS refused), so the
 * same question, "sent but missing here", is answered from a set of the numbers received
 * (gapLocation's SequenceSet) without keeping every packet.
 *
 * Nothing from the network is believed blindly: an account that fails its checksum or has
 * impossible numbers is refused with a reason; a jump forward faster than the generator can send
 * (its ceiling, by the sender's own send times) is not counted as loss; a new run id is a restart
 * and starts the counts again; late datagrams of an earlier run are ignored. Memory is bounded.
 * Pure: the reception monitor drives it.
 */
import { readAccount, refusalText, type AccountRefusal, type SenderAccount, type SweepKind } from '../generator/pairing';
import { SequenceSet } from './gapLocation';
import type { Gap, PairedGap, PairedStep, PairingSummary } from './types';

/** The generator's ceiling (packets/s) and the datagrams one of its ticks may send at once: a faster jump is not believed. */
const MAX_PPS = 1_000_000;
const MAX_BURST = 2000;
/** Arrivals remembered to find a gap's edges. */
const RING = 1 << 16;
/** Ranges of received numbers kept; past it the older half is forgotten (late datagrams below it are no longer counted). */
const MAX_RANGES = 100_000;
/** Runs remembered (to ignore late datagrams of an earlier one) and steps kept. */
const MAX_RUNS = 64;
const MAX_STEPS = 1024;
/** Refused accounts, with none believed, before the summary says so. */
const REFUSED_TO_SPEAK = 10;

interface StepState {
  step: number;
  sweep: SweepKind;
  value: number;
  firstSequence: number;
  firstAtMs: number;
  received: number;
  gaps: number;
  /** The sender's refused count in the earliest account of the step. */
  refusedAtStart: number;
  refusedMax: number;
}

/** Follows one stream's sender accounts; feed every datagram, and every gap as it closes. */
export class PairingLedger {
  private run: number | null = null;
  private readonly runsSeen: number[] = [];
  private accounts = 0;
  private refusedAccounts = 0;
  private refusedReason: AccountRefusal | 'contradiction' | null = null;
  private jumps = 0;
  private otherRuns = 0;
  private seqs = new SequenceSet();
  private forgotBelow = -1;
  private first: number | null = null;
  private highest = -1;
  private highestSendUs = 0;
  private received = 0;
  private refusedAtFirst = 0;
  private refusedMax = 0;
  private endSequence: number | null = null;
  private steps = new Map<number, StepState>();
  /** The step of the latest datagram filed. */
  private current: StepState | null = null;
  private ringAt = new Float64Array(RING);
  private ringSeq = new Float64Array(RING);
  private ringRefused = new Float64Array(RING);
  private ringRun = new Float64Array(RING);
  private ringStep = new Float64Array(RING);
  private ringCount = 0;

  /** One datagram that arrived at atMs; false when it carried no believed account. */
  onPacket(atMs: number, payload: Uint8Array): boolean {
    const a = readAccount(payload);
    if (typeof a === 'string') {
      if (a === 'checksum' || a === 'out-of-bounds') this.refuse(a);
      return false;
    }
    if (a.run !== this.run) {
      if (this.runsSeen.includes(a.run)) {
        // A late datagram of an earlier run, or a second sender on the same port: not counted.
        this.otherRuns += 1;
        return false;
      }
      this.startRun(a.run);
    }
    if (this.highest >= 0 && a.sequence > this.highest + 1) {
      const allowed = (Math.max(0, a.sendUs - this.highestSendUs) * MAX_PPS) / 1e6 + MAX_BURST;
      if (a.sequence - this.highest - 1 > allowed) {
        this.jumps += 1;
        return false;
      }
    }
    if (!this.step(atMs, a)) return false;
    this.accounts += 1;
    this.remember(atMs, a);
    if (a.end) this.endSequence = a.sequence;
    if (a.refused > this.refusedMax) this.refusedMax = a.refused;
    if (this.first === null) {
      this.first = a.sequence;
      this.refusedAtFirst = a.refused;
    }
    const isNew = a.sequence > this.highest;
    if (isNew) {
      this.highest = a.sequence;
      this.highestSendUs = a.sendUs;
    }
    // A number above every one so far is new (the common case: no search); anything else may be a duplicate.
    if (!isNew && (a.sequence <= this.forgotBelow || a.sequence < this.first || this.seqs.has(a.sequence))) return true;
    this.seqs.add(a.sequence);
    this.received += 1;
    this.current!.received += 1;
    if (this.seqs.ranges > MAX_RANGES) {
      const mid = this.seqs.startOf(this.seqs.ranges >> 1)!;
      this.forgotBelow = mid - 1;
      this.seqs.forgetUpTo(mid - 1);
    }
    return true;
  }

  /** The sender's account of a gap that just closed (or settled late): null when its edges carried no account. */
  onGap(gap: Pick<Gap, 'startMs' | 'endMs'>): PairedGap | null {
    const a = this.find(gap.startMs, 'last');
    const b = this.find(gap.endMs, 'first');
    if (a === null || b === null) return null;
    if (this.ringRun[a] !== this.ringRun[b]) return { missing: 0, refused: 0, lostOnPath: 0, restarted: true };
    const lo = this.ringSeq[a]!;
    const hi = this.ringSeq[b]!;
    const step = this.steps.get(this.ringStep[b]!);
    if (step && this.ringRun[b] === this.run) step.gaps += 1;
    if (!(hi > lo + 1)) return { missing: 0, refused: 0, lostOnPath: 0, restarted: false };
    const arrived = lo + 1 > this.forgotBelow ? this.seqs.countIn(lo, hi - 1) : 0;
    const missing = Math.max(0, hi - lo - 1 - arrived);
    const refused = Math.min(missing, Math.max(0, this.ringRefused[b]! - this.ringRefused[a]!));
    return { missing, refused, lostOnPath: missing - refused, restarted: false };
  }

  /** Everything known now; null when no datagram carried an account (believed or not). */
  summary(): PairingSummary | null {
    // A stray "GSPR" in another format's payload is not a sender: refused accounts alone speak from the tenth on.
    if (this.accounts === 0 && this.refusedAccounts < REFUSED_TO_SPEAK) return null;
    const numbered = this.first === null ? 0 : (this.endSequence !== null && this.endSequence > this.highest ? this.endSequence : this.highest) + 1 - this.first;
    const refused = Math.min(numbered, Math.max(0, this.refusedMax - this.refusedAtFirst));
    const sent = numbered - refused;
    const lostOnPath = Math.max(0, sent - this.received);
    const ordered = [...this.steps.values()].sort((x, y) => x.firstSequence - y.firstSequence);
    const steps = ordered.map((s, i): PairedStep => {
      const next = ordered[i + 1];
      const from = Math.max(s.firstSequence, this.first ?? 0);
      const end = next ? next.firstSequence : this.highest + 1;
      const stepRefused = Math.max(0, (next ? next.refusedAtStart : s.refusedMax) - s.refusedAtStart);
      const stepSent = Math.max(0, end - from - stepRefused);
      return { step: s.step, sweep: s.sweep, value: s.value, firstSequence: s.firstSequence, sent: stepSent, received: s.received, lostOnPath: Math.max(0, stepSent - s.received), gaps: s.gaps, firstAtMs: s.firstAtMs };
    });
    const swept = steps.length > 1 || steps.some((s) => s.sweep !== 'none');
    const out: PairingSummary = {
      run: this.run === null ? null : this.run.toString(16).padStart(8, '0'),
      runs: this.runsSeen.length,
      accounts: this.accounts,
      refusedAccounts: this.refusedAccounts,
      refusedReason: this.refusedReason === null ? null : this.refusedReason === 'contradiction' ? "the sender's account contradicts itself (one step, two starting points)" : refusalText(this.refusedReason),
      implausibleJumps: this.jumps,
      otherRunDatagrams: this.otherRuns,
      firstSequence: this.first,
      numbered,
      refused,
      sent,
      received: this.received,
      lostOnPath,
      ended: this.endSequence !== null,
      steps: swept ? steps : [],
      firstLossStep: swept ? (steps.find((s) => s.lostOnPath > 0)?.step ?? null) : null,
      firstGapStep: swept ? (steps.find((s) => s.gaps > 0)?.step ?? null) : null,
      text: '',
    };
    out.text = pairingText(out);
    return out;
  }

  private refuse(why: AccountRefusal | 'contradiction'): void {
    this.refusedAccounts += 1;
    this.refusedReason = why;
  }

  private startRun(run: number): void {
    this.run = run;
    this.runsSeen.push(run);
    if (this.runsSeen.length > MAX_RUNS) this.runsSeen.shift();
    this.seqs = new SequenceSet();
    this.forgotBelow = -1;
    this.first = null;
    this.highest = -1;
    this.highestSendUs = 0;
    this.received = 0;
    this.refusedAtFirst = 0;
    this.refusedMax = 0;
    this.endSequence = null;
    this.steps = new Map();
    this.current = null;
  }

  /** Files the datagram under its step; false (refused) when the step contradicts what is known. */
  private step(atMs: number, a: SenderAccount): boolean {
    const s = this.current !== null && this.current.step === a.step ? this.current : this.steps.get(a.step);
    if (s) {
      if (s.firstSequence !== a.stepFirstSequence || s.sweep !== a.sweep) {
        this.refuse('contradiction');
        return false;
      }
      if (a.refused < s.refusedAtStart) s.refusedAtStart = a.refused;
      if (a.refused > s.refusedMax) s.refusedMax = a.refused;
      this.current = s;
      return true;
    }
    if (this.steps.size >= MAX_STEPS) {
      this.refuse('out-of-bounds');
      return false;
    }
    this.current = { step: a.step, sweep: a.sweep, value: a.stepValue, firstSequence: a.stepFirstSequence, firstAtMs: atMs, received: 0, gaps: 0, refusedAtStart: a.refused, refusedMax: a.refused };
    this.steps.set(a.step, this.current);
    return true;
  }

  private remember(atMs: number, a: SenderAccount): void {
    const i = this.ringCount % RING;
    this.ringAt[i] = atMs;
    this.ringSeq[i] = a.sequence;
    this.ringRefused[i] = a.refused;
    this.ringRun[i] = a.run;
    this.ringStep[i] = a.step;
    this.ringCount += 1;
  }

  /** The ring slot of the first or last remembered arrival at exactly atMs; null when none (or forgotten). */
  private find(atMs: number, which: 'first' | 'last'): number | null {
    const n = Math.min(this.ringCount, RING);
    const slot = (k: number): number => (this.ringCount - n + k) % RING;
    // Arrival times are non-decreasing: binary search over the ring's order.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.ringAt[slot(mid)]!;
      if (which === 'first' ? t < atMs : t <= atMs) lo = mid + 1;
      else hi = mid;
    }
    const k = which === 'first' ? lo : lo - 1;
    if (k < 0 || k >= n || this.ringAt[slot(k)] !== atMs) return null;
    return slot(k);
  }
}

/** The pairing in one sentence, as the panel, the CLI and the report print it. */
export function pairingText(p: PairingSummary): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  if (p.accounts === 0) return `No sender account believed: ${n(p.refusedAccounts)} datagrams carried one that was refused (${p.refusedReason}).`;
  const parts = [
    `Paired with the sender (run ${p.run}${p.runs > 1 ? `, after ${p.runs - 1} restart${p.runs > 2 ? 's' : ''} or other sender${p.runs > 2 ? 's' : ''}` : ''}): it sent ${n(p.sent)}${p.refused ? ` (its OS refused ${n(p.refused)} more: never sent)` : ''}, ${n(p.received)} arrived; sent and lost on the path: ${n(p.lostOnPath)}.`,
    p.ended ? 'The sender ended its run: these are its whole counts.' : 'Counted up to the highest sequence number received.',
  ];
  if (p.steps.length) {
    const at = (k: number | null): string => {
      const s = p.steps.find((x) => x.step === k);
      return s ? `step ${s.step + 1} (${stepValueText(s.sweep, s.value)})` : '';
    };
    parts.push(p.firstLossStep === null ? `No step of the sweep lost datagrams${p.firstGapStep === null ? ' or had gaps' : ''}.` : `Loss began at ${at(p.firstLossStep)}.`);
    if (p.firstGapStep !== null) parts.push(`Gaps began at ${at(p.firstGapStep)}.`);
  }
  if (p.refusedAccounts) parts.push(`${n(p.refusedAccounts)} datagrams' accounts were refused (${p.refusedReason}).`);
  if (p.otherRunDatagrams) parts.push(`${n(p.otherRunDatagrams)} datagrams of an earlier run were not counted: late ones from before a restart, or a second sender on the same port.`);
  if (p.implausibleJumps) parts.push(`${n(p.implausibleJumps)} datagrams jumped ahead faster than a sender can send and were not counted (a wrong or hostile sender).`);
  return parts.join(' ');
}

/** A sweep step's value in words: "4,000 packets/s", "512 bytes", "50 per burst". */
export function stepValueText(sweep: SweepKind, value: number): string {
  const v = value.toLocaleString('en-US');
  return sweep === 'rate' ? `${v} packets/s` : sweep === 'size' ? `${v} bytes` : sweep === 'burst' ? `${v} per burst` : v;
}
