import { describe, expect, it } from 'vitest';
import { PacketFlags } from '../../../shared/decoders/types';
import { flagBadges } from './packetFlags';

describe('flagBadges', () => {
  it('names problems first and marks them as problems', () => {
    const badges = flagBadges(PacketFlags.reordered | PacketFlags.crcError);
    expect(badges.map((b) => [b.text, b.problem])).toEqual([
      ['CRC error', true],
      ['late', false],
    ]);
  });

  it('says nothing for a clean packet', () => {
    expect(flagBadges(0)).toEqual([]);
  });
});
