import { describe, expect, it } from 'vitest';
import { ago, avahiBrowseCommand, dnsSdCommand, hexDump, shellQuote, txtEntryText, txtLines } from './bonjourText';

describe('Bonjour text', () => {
  it('quotes names so that a shell passes them through unchanged', () => {
    expect(shellQuote('_http._tcp')).toBe('_http._tcp');
    expect(shellQuote('Living Room')).toBe(`'Living Room'`);
    expect(shellQuote(`Bob's "TV" $(rm -rf ~) \`x\``)).toBe(`'Bob'\\''s "TV" $(rm -rf ~) \`x\`'`);
    expect(shellQuote('')).toBe(`''`);
  });

  it('builds dns-sd and avahi-browse commands', () => {
    expect(dnsSdCommand('Ünïcødé Drucker ☕ №1', '_ipp._tcp.local')).toBe(`dns-sd -L 'Ünïcødé Drucker ☕ №1' _ipp._tcp local`);
    expect(dnsSdCommand("It's.here", '_http._tcp.local')).toBe(`dns-sd -L 'It'\\''s.here' _http._tcp local`);
    expect(avahiBrowseCommand('_gapscope-test._udp.local')).toBe('avahi-browse -r -t _gapscope-test._udp');
  });

  it('dumps bytes as offset, hex and ASCII', () => {
    expect(hexDump('000084000000000100000000055f68747470')).toBe('0000  00 00 84 00 00 00 00 01 00 00 00 00 05 5f 68 74  ............._ht\n0010  74 70                                            tp');
    expect(hexDump('')).toBe('');
  });

  it('writes TXT entries, ages and form lines', () => {
    expect([txtEntryText({ key: 'a', value: '1', binary: false }), txtEntryText({ key: 'b', value: null, binary: false }), txtEntryText({ key: 'c', value: 'ff00', binary: true })]).toEqual(['a=1', 'b', 'c=0xff00']);
    expect([ago(0, 4000), ago(0, 125_000), ago(0, 7_300_000)]).toEqual(['4 s ago', '2 min ago', '2 h ago']);
    expect(txtLines(' v=1 \n\nflag\r\n')).toEqual(['v=1', 'flag']);
  });
});
