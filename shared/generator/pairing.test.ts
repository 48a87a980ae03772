import { describe, expect, it } from 'vitest';
import { encodeSeq } from '../decoders/sequenceField';
import { PAIRED_MIN_SIZE, readAccount, refusalText, writeAccount, type SenderAccount } from './pairing';

const account = { run: 0xdeadbeef, refused: 3, step: 2, stepFirstSequence: 4000, sweep: 'rate' as const, stepValue: 3000, end: false };

function datagram(sequence: number, a: Omit<SenderAccount, 'sequence' | 'sendUs'> = account, size = 64): Uint8Array {
  const d = encodeSeq(sequence, 1_700_000_000_000_000, size)!;
  expect(writeAccount(d, a)).toBe(true);
  return d;
}

describe("the sender's account in a seq datagram", () => {
  it('reads back what was written, after the seq header it leaves alone', () => {
    const d = datagram(4321);
    expect(readAccount(d)).toEqual({ sequence: 4321, sendUs: 1_700_000_000_000_000, ...account });
    expect(readAccount(datagram(4321, { ...account, end: true, sweep: 'none', step: 0, stepFirstSequence: 0 }))).toMatchObject({ end: true, sweep: 'none' });
    // Bytes past the account stay the generator's zeros.
    expect([...d.subarray(PAIRED_MIN_SIZE)].every((b) => b === 0)).toBe(true);
  });

  it('does not fit in a datagram shorter than 52 bytes', () => {
    expect(writeAccount(encodeSeq(1, 1, 51)!, account)).toBe(false);
    expect(readAccount(encodeSeq(1, 1, 51)!)).toBe('short');
  });

  it('is absent from a plain seq datagram and refused when damaged or impossible', () => {
    expect(readAccount(encodeSeq(7, 1, 512)!)).toBe('absent');
    const flipped = datagram(10);
    flipped[30]! ^= 1;
    expect(readAccount(flipped)).toBe('checksum');
    // A sender that says it refused more numbers than it handed out, checksum and all.
    expect(readAccount(datagram(2, { ...account, stepFirstSequence: 0 }))).toBe('out-of-bounds');
    // A step that begins after the datagram that claims to be in it.
    expect(readAccount(datagram(3999, { ...account, refused: 0 }))).toBe('out-of-bounds');
    // A sequence number past 2^53.
    const huge = datagram(10);
    huge[0] = 0xff;
    writeAccount(huge, account);
    expect(readAccount(huge)).toBe('out-of-bounds');
    expect(refusalText('checksum')).toMatch(/checksum/);
  });
});
