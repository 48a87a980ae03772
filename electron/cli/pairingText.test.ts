import { describe, expect, it } from 'vitest';
import { encodeSeq } from '../../shared/decoders/sequenceField';
import { writeAccount } from '../../shared/generator/pairing';
import { PairingLedger } from '../../shared/reception/pairing';
import { pairingLines, pairingLive } from './pairingText';

/** A sweep of two steps as the listener sees it: 100 at 1,000/s, then 200 at 2,000/s of which 30 never arrive. */
function sweptLedger(): PairingLedger {
  const l = new PairingLedger();
  for (let q = 0; q < 300; q++) {
    const step = q < 100 ? 0 : 1;
    const d = encodeSeq(q, 1e15 + q * 500, 64)!;
    writeAccount(d, { run: 0xabc, refused: 0, step, stepFirstSequence: step ? 100 : 0, sweep: 'rate', stepValue: step ? 2000 : 1000, end: q === 299 });
    if (!(q >= 150 && q < 180)) l.onPacket(q, d);
  }
  return l;
}

describe('gapscope listen prints its pairing', () => {
  it('the verdict, then one line per sweep step with where loss begins', () => {
    const lines = pairingLines(sweptLedger().summary()!);
    expect(lines[0]).toBe('Paired with the sender (run 00000abc): it sent 300, 270 arrived; sent and lost on the path: 30. The sender ended its run: these are its whole counts. Loss began at step 2 (2,000 packets/s).');
    expect(lines.slice(1)).toEqual([
      '  step   1     1,000 packets/s  sent       100  received       100  lost on the path       0  gaps    0',
      '  step   2     2,000 packets/s  sent       200  received       170  lost on the path      30  gaps    0  <- loss begins',
    ]);
  });

  it('a short part of the live line', () => {
    expect(pairingLive(sweptLedger().summary())).toBe('paired: lost on the path 30 of 300 sent (step 2, 2,000 packets/s)');
    expect(pairingLive(null)).toBeNull();
  });
});
