import { describe, expect, it } from 'vitest';
import { encodeSeq } from '../decoders/sequenceField';
import { writeAccount, type SenderAccount } from '../generator/pairing';
import { gapCause } from './gapCause';
import { PairingLedger } from './pairing';
import { ReceptionMonitor } from './receptionMonitor';

type Account = Omit<SenderAccount, 'sequence' | 'sendUs'>;
const plain: Account = { run: 0x1234abcd, refused: 0, step: 0, stepFirstSequence: 0, sweep: 'none', stepValue: 0, end: false };

/** A datagram as `gapscope send` writes it: sequence, send time (1 ms apart) and the account. */
function dg(sequence: number, a: Partial<Account> = {}, sendUs = 1e15 + sequence * 1000): Uint8Array {
  const d = encodeSeq(sequence, sendUs, 64)!;
  writeAccount(d, { ...plain, ...a });
  return d;
}

describe('pairing with the sender, datagram by datagram', () => {
  it('counts what the sender sent against what arrived: a hole is sent and lost on the path', () => {
    const l = new PairingLedger();
    for (let s = 0; s < 100; s++) if (s < 40 || s >= 47) l.onPacket(s, dg(s));
    expect(l.onGap({ startMs: 39, endMs: 47 })).toEqual({ missing: 7, refused: 0, lostOnPath: 7, restarted: false });
    expect(l.summary()).toMatchObject({ run: '1234abcd', runs: 1, numbered: 100, sent: 100, received: 93, lostOnPath: 7, ended: false });
    expect(l.summary()!.text).toMatch(/it sent 100, 93 arrived; sent and lost on the path: 7\. Counted up to the highest/);
  });

  it('tells "never sent" apart: a pause without a hole, and numbers the sender’s OS refused', () => {
    const l = new PairingLedger();
    for (let s = 0; s < 10; s++) l.onPacket(s, dg(s));
    // The sender paused 500 ms: the numbers go on.
    l.onPacket(510, dg(10, {}, 1e15 + 510_000));
    expect(l.onGap({ startMs: 9, endMs: 510 })).toEqual({ missing: 0, refused: 0, lostOnPath: 0, restarted: false });
    // Numbers 11–14 handed to the OS and refused; 15 says so.
    l.onPacket(600, dg(15, { refused: 4 }, 1e15 + 600_000));
    expect(l.onGap({ startMs: 510, endMs: 600 })).toEqual({ missing: 4, refused: 4, lostOnPath: 0, restarted: false });
    expect(l.summary()).toMatchObject({ numbered: 16, refused: 4, sent: 12, received: 12, lostOnPath: 0 });
  });

  it('gives a gap the cause the sender’s account decides, in the words of the gap table', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50, decode: 'seq' });
    for (let s = 0; s < 20; s++) m.onPacket(s, dg(s), 'x');
    m.onPacket(300, dg(30, {}, 1e15 + 300_000), 'x'); // 10 lost
    m.onPacket(301, dg(31, {}, 1e15 + 301_000), 'x');
    m.onPacket(700, dg(32, {}, 1e15 + 700_000), 'x'); // a pause
    const snap = m.snapshot(800);
    expect(snap.gaps.map((g) => gapCause(g).text)).toEqual(['sent and lost on the path: 10', 'never sent']);
    expect(snap.gaps.map((g) => gapCause(g).code)).toEqual(['packets-lost', 'sender-paused']);
    expect(snap.pairing).toMatchObject({ sent: 33, received: 23, lostOnPath: 10 });
    // Without an account the monitor says nothing about pairing.
    const bare = new ReceptionMonitor({ binMs: 100, decode: 'seq' });
    bare.onPacket(0, encodeSeq(0, 1e15, 64)!, 'x');
    expect(bare.snapshot(10).pairing).toBeNull();
  });

  it('knows the whole run once the sender says it ended, tail loss included', () => {
    const l = new PairingLedger();
    for (let s = 0; s < 50; s++) l.onPacket(s, dg(s));
    // 50–59 lost at the end; 60 is the end-of-run datagram.
    l.onPacket(70, dg(60, { end: true }));
    expect(l.summary()).toMatchObject({ numbered: 61, sent: 61, received: 51, lostOnPath: 10, ended: true });
    expect(l.summary()!.text).toMatch(/ended its run: these are its whole counts/);
  });

  it('finds the first step of a sweep with loss, step by step from the sender’s own boundaries', () => {
    const l = new PairingLedger();
    const steps = [
      { from: 0, to: 100, value: 1000, lose: 0 },
      { from: 100, to: 300, value: 2000, lose: 0 },
      { from: 300, to: 600, value: 3000, lose: 25 },
    ];
    let t = 0;
    steps.forEach((s, k) => {
      for (let q = s.from; q < s.to; q++) if (!(q >= s.to - s.lose)) l.onPacket(t++, dg(q, { step: k, stepFirstSequence: s.from, sweep: 'rate', stepValue: s.value }));
    });
    const p = l.summary()!;
    expect(p.steps.map((s) => [s.step, s.value, s.sent, s.received, s.lostOnPath])).toEqual([
      [0, 1000, 100, 100, 0],
      [1, 2000, 200, 200, 0],
      // The last step's tail is lost, and no end datagram came: counted through the highest received.
      [2, 3000, 275, 275, 0],
    ]);
    // The first datagrams of a step lost: they still belong to it, by its starting number.
    const l2 = new PairingLedger();
    for (let q = 0; q < 100; q++) l2.onPacket(q, dg(q, { step: 0, stepFirstSequence: 0, sweep: 'rate', stepValue: 1000 }));
    for (let q = 130; q < 300; q++) l2.onPacket(q, dg(q, { step: 1, stepFirstSequence: 100, sweep: 'rate', stepValue: 2000 }));
    const p2 = l2.summary()!;
    expect(p2.steps.map((s) => [s.sent, s.received, s.lostOnPath])).toEqual([
      [100, 100, 0],
      [200, 170, 30],
    ]);
    expect(p2.firstLossStep).toBe(1);
    expect(p2.text).toMatch(/Loss began at step 2 \(2,000 packets\/s\)/);
  });

  it('is not misled by a wrong or hostile sender', () => {
    const l = new PairingLedger();
    for (let s = 0; s < 10; s++) l.onPacket(s, dg(s));
    // A jump of a billion numbers in 1 ms of the sender's own clock: faster than any sender.
    expect(l.onPacket(11, dg(1e9, {}, 1e15 + 10_000))).toBe(false);
    // A damaged account.
    const bad = dg(10);
    bad[25]! ^= 0xff;
    expect(l.onPacket(12, bad)).toBe(false);
    // A step that contradicts itself.
    expect(l.onPacket(13, dg(10, { stepFirstSequence: 5 }))).toBe(false);
    const p = l.summary()!;
    expect(p).toMatchObject({ numbered: 10, received: 10, lostOnPath: 0, implausibleJumps: 1, refusedAccounts: 2 });
    expect(p.text).toMatch(/jumped ahead faster than a sender can send/);
    // Only refused accounts: said so from the tenth on (one could be another format's stray bytes), nothing counted.
    const only = new PairingLedger();
    only.onPacket(0, bad);
    expect(only.summary()).toBeNull();
    for (let k = 1; k < 10; k++) only.onPacket(k, bad);
    expect(only.summary()).toMatchObject({ accounts: 0, refusedAccounts: 10, sent: 0 });
    expect(only.summary()!.text).toMatch(/^No sender account believed: 10 datagrams carried one that was refused \(the sender's account fails its checksum/);
  });

  it('starts again when the sender restarts, and ignores late datagrams of the old run', () => {
    const l = new PairingLedger();
    for (let s = 0; s < 100; s++) l.onPacket(s, dg(s));
    l.onPacket(200, dg(0, { run: 7 }));
    expect(l.onGap({ startMs: 99, endMs: 200 })).toMatchObject({ restarted: true });
    l.onPacket(201, dg(100)); // late, of the first run
    l.onPacket(202, dg(1, { run: 7 }));
    expect(l.summary()).toMatchObject({ run: '00000007', runs: 2, numbered: 2, received: 2, lostOnPath: 0, otherRunDatagrams: 1 });
    expect(l.summary()!.text).toMatch(/after 1 restart or other sender\).*1 datagrams of an earlier run were not counted/);
    // A restart is not a sender's cause of its own: the gap keeps the detector's words.
    expect(gapCause({ cause: 'unexplained', lostPackets: null, paired: { missing: 0, refused: 0, lostOnPath: 0, restarted: true } }).code).toBe('unknown');
  });

  it('keeps its memory bounded under a flood of scattered numbers', () => {
    const l = new PairingLedger();
    // Every other number, 250,000 ranges' worth: the older half is forgotten past 100,000 ranges.
    for (let k = 0; k < 250_000; k++) l.onPacket(k, dg(k * 2, {}, 1e15 + k * 2000));
    const p = l.summary()!;
    expect(p.received).toBe(250_000);
    expect(p.lostOnPath).toBe(p.sent - 250_000);
  });

  it('never throws and never claims more lost than sent, whatever a hostile sender writes (seeded fuzz)', () => {
    let seed = 0x9e3779b9;
    const rnd = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    for (let trial = 0; trial < 20; trial++) {
      const l = new PairingLedger();
      let t = 0;
      for (let i = 0; i < 2000; i++) {
        // A checked account with random fields (some plausible, some not), or random bytes.
        const d = new Uint8Array(52 + Math.floor(rnd() * 16));
        for (let k = 0; k < d.length; k++) d[k] = Math.floor(rnd() * 256);
        if (rnd() < 0.8) {
          const seq = Math.floor(rnd() * (rnd() < 0.5 ? 5000 : 2 ** 53));
          const step = Math.floor(rnd() * 4);
          d.set(encodeSeq(seq, 1e15 + Math.floor(rnd() * 1e9), d.length)!);
          writeAccount(d, { run: rnd() < 0.9 ? 1 : Math.floor(rnd() * 2 ** 32), refused: Math.floor(rnd() * seq * 0.1), step, stepFirstSequence: Math.floor(seq * rnd()), sweep: (['none', 'rate', 'size', 'burst'] as const)[Math.floor(rnd() * 4)]!, stepValue: Math.floor(rnd() * 1e6), end: rnd() < 0.01 });
        }
        t += rnd() * 5;
        l.onPacket(t, d);
        if (rnd() < 0.05) l.onGap({ startMs: t - rnd() * 10, endMs: t });
      }
      const p = l.summary();
      if (!p) continue;
      for (const v of [p.numbered, p.refused, p.sent, p.received, p.lostOnPath]) expect(Number.isFinite(v) && v >= 0).toBe(true);
      expect(p.lostOnPath).toBeLessThanOrEqual(p.sent);
      for (const st of p.steps) expect(st.lostOnPath).toBeLessThanOrEqual(st.sent);
      expect(typeof p.text).toBe('string');
    }
  });
});
