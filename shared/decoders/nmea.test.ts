import { describe, expect, it } from 'vitest';
import { asciiBytes } from './bytes';
import { NmeaStreamDecoder, checkNmeaSentence, describeNmea, parseNmea, withNmeaChecksum } from './nmea';
import { PacketFlags } from './types';

// The GGA example of the NMEA 0183 literature, checksum 47.
const GGA = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47';

describe('checkNmeaSentence', () => {
  it('accepts a correct checksum, in either hex case', () => {
    const b = asciiBytes(GGA);
    expect(checkNmeaSentence(b, 0, b.length)).toBe('ok');
    const lower = asciiBytes('$GPRMC,1*' + withNmeaChecksum('$GPRMC,1').slice(-2).toLowerCase());
    expect(checkNmeaSentence(lower, 0, lower.length)).toBe('ok');
  });

  it('rejects a wrong or unreadable checksum and notes a missing one', () => {
    const wrong = asciiBytes(GGA.replace('*47', '*48'));
    expect(checkNmeaSentence(wrong, 0, wrong.length)).toBe('bad');
    const cut = asciiBytes(GGA.slice(0, -1));
    expect(checkNmeaSentence(cut, 0, cut.length)).toBe('bad');
    const none = asciiBytes('$GPGGA,1,2');
    expect(checkNmeaSentence(none, 0, none.length)).toBe('missing');
    expect(checkNmeaSentence(asciiBytes('GPGGA'), 0, 5)).toBeNull();
  });

  it('computes what withNmeaChecksum appends', () => {
    expect(withNmeaChecksum(GGA.slice(0, -3))).toBe(GGA);
  });
});

describe('NmeaStreamDecoder', () => {
  it('checks several sentences per datagram and counts errors', () => {
    const dec = new NmeaStreamDecoder();
    const ok = asciiBytes(`${GGA}\r\n${withNmeaChecksum('$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K')}\r\n`);
    expect(dec.onPayload(ok, 0).flags).toBe(0);
    const bad = asciiBytes(`${GGA.replace('4807', '4808')}\r\n`);
    expect(dec.onPayload(bad, 0).flags & PacketFlags.checksumError).toBeTruthy();
    expect(dec.onPayload(Uint8Array.of(1, 2, 3), 0).flags & PacketFlags.malformed).toBeTruthy();
    expect(dec.stats()).toMatchObject({ received: 3, crcErrors: 1, lost: null, expected: null });
    expect(dec.stats().notes[0]).toMatch(/3 sentences in 3 datagrams/);
  });

  it('describes sentences', () => {
    expect(parseNmea(asciiBytes(GGA))).toEqual([{ address: 'GPGGA', checksum: 'ok', sent: 0x47, computed: 0x47 }]);
    expect(describeNmea(asciiBytes(GGA.replace('*47', '*48')))).toBe('NMEA $GPGGA checksum BAD (sent 48, computed 47)');
    expect(describeNmea(asciiBytes('hello'))).toBe('not NMEA: "hello"');
  });
});
