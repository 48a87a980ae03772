/** What `listen` prints of its pairing with `gapscope send` (the sender's account in the payload): the verdict and a sweep's steps. */
import { formatCount } from '../../shared/format';
import { stepValueText } from '../../shared/reception/pairing';
import type { PairingSummary } from '../../shared/reception/types';

/** The pairing's lines for the final report: its sentence, then one line per sweep step. */
export function pairingLines(p: PairingSummary): string[] {
  const lines = [p.text];
  for (const s of p.steps) {
    const marks = [s.step === p.firstLossStep ? 'loss begins' : null, s.step === p.firstGapStep ? 'gaps begin' : null].filter(Boolean).join(', ');
    lines.push(`  step ${String(s.step + 1).padStart(3)}  ${stepValueText(s.sweep, s.value).padStart(18)}  sent ${formatCount(s.sent).padStart(9)}  received ${formatCount(s.received).padStart(9)}  lost on the path ${formatCount(s.lostOnPath).padStart(7)}  gaps ${formatCount(s.gaps).padStart(4)}${marks ? `  <- ${marks}` : ''}`);
  }
  return lines;
}

/** The pairing's part of the live line. */
export function pairingLive(p: PairingSummary | null | undefined): string | null {
  if (!p) return null;
  if (p.accounts === 0) return `sender account refused ×${formatCount(p.refusedAccounts)}`;
  const step = p.steps.at(-1);
  return `paired: lost on the path ${formatCount(p.lostOnPath)} of ${formatCount(p.sent)} sent${step ? ` (step ${step.step + 1}, ${stepValueText(step.sweep, step.value)})` : ''}`;
}
