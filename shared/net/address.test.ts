import { describe, expect, it } from 'vitest';
import { addressFamily, formatEndpoint, isBroadcast, isMulticast, isUnspecified, parseIPv6 } from './address';

describe('address classification', () => {
  it('tells families apart and rejects near-misses', () => {
    expect(addressFamily('10.99.0.1')).toBe('ipv4');
    expect(addressFamily('fd00:99::1')).toBe('ipv6');
    expect(addressFamily('fe80::1%vins')).toBe('ipv6');
    expect(addressFamily('::ffff:10.0.0.1')).toBe('ipv6');
    for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '1::2::3', 'abc', '', '1:2:3:4:5:6:7:8:9', 'fe80::1%']) {
      expect(addressFamily(bad)).toBeNull();
    }
  });

  it('recognizes multicast, broadcast and unspecified addresses', () => {
    expect(isMulticast('239.1.2.3')).toBe(true);
    expect(isMulticast('224.0.0.251')).toBe(true);
    expect(isMulticast('240.0.0.1')).toBe(false);
    expect(isMulticast('ff02::fb')).toBe(true);
    expect(isMulticast('fd00::1')).toBe(false);
    expect(isBroadcast('255.255.255.255')).toBe(true);
    expect(isBroadcast('10.99.0.255', '255.255.255.0')).toBe(true);
    expect(isBroadcast('10.99.0.255')).toBe(false);
    expect(isUnspecified('0.0.0.0')).toBe(true);
    expect(isUnspecified('::')).toBe(true);
  });

  it('parses zones and formats endpoints', () => {
    expect(parseIPv6('ff02::fb%eth0')?.zone).toBe('eth0');
    expect(Array.from(parseIPv6('::1')!.bytes.slice(14))).toEqual([0, 1]);
    expect(formatEndpoint('fd00::1', 4000)).toBe('[fd00::1]:4000');
    expect(formatEndpoint('10.0.0.1', 4000)).toBe('10.0.0.1:4000');
  });
});
