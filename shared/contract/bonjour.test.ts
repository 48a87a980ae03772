// The Bonjour requests refuse bad arguments at the door with one clear sentence.
import { describe, expect, it } from 'vitest';
import { validateArgs } from '../rpc/dispatcher';

describe('Bonjour contract', () => {
  it('takes service types with or without .local and gives them back with it', () => {
    expect(validateArgs('startBrowse', [{ types: ['_http._tcp', '_ipp._tcp.local.'], ifaces: ['eth0'] }])).toEqual([{ types: ['_http._tcp.local', '_ipp._tcp.local'], ifaces: ['eth0'] }]);
    expect(validateArgs('startBrowse', [])).toEqual([]);
    expect(() => validateArgs('startBrowse', [{ types: ['http'] }])).toThrow(/^The type is not a service type like _http._tcp/);
    expect(() => validateArgs('startBrowse', [{ types: ['_http._tcp.example.com'] }])).toThrow(/only the .local domain/);
    expect(() => validateArgs('startBrowse', [{ ifaces: ['eth0; rm -rf /'] }])).toThrow(/is not an interface name/);
    expect(() => validateArgs('startBrowse', [{ other: 1 }])).toThrow('Gapscope does not know the setting "other"; leave it out.');
  });

  it('checks an advertisement: name of at most 63 bytes of UTF-8, type, port, TXT entries', () => {
    const ok = { name: 'Büro ☕ Test', type: '_gapscope._udp', port: 4000, txt: ['v=1', 'flag'] };
    expect(validateArgs('advertiseService', [ok])).toEqual([{ ...ok, type: '_gapscope._udp.local' }]);
    expect(validateArgs('advertiseService', [{ ...ok, txt: undefined }])).toEqual([{ ...ok, type: '_gapscope._udp.local', txt: [] }]);
    // 21 × "☕" is 21 characters but 63 bytes; one more is too long.
    expect(() => validateArgs('advertiseService', [{ ...ok, name: '☕'.repeat(21) }])).not.toThrow();
    expect(() => validateArgs('advertiseService', [{ ...ok, name: '☕'.repeat(22) }])).toThrow('The name is longer than 63 bytes of UTF-8.');
    expect(() => validateArgs('advertiseService', [{ ...ok, name: '' }])).toThrow('The name is empty.');
    expect(() => validateArgs('advertiseService', [{ ...ok, name: 'a.b' }])).toThrow(/may not contain a dot/);
    expect(() => validateArgs('advertiseService', [{ ...ok, name: 'a\nb' }])).toThrow(/control characters/);
    expect(() => validateArgs('advertiseService', [{ ...ok, type: '_a-very-long-service-name._tcp' }])).toThrow(/1–15 letters/);
    expect(() => validateArgs('advertiseService', [{ ...ok, port: 70000 }])).toThrow('Port must be 0–65535.');
    expect(() => validateArgs('advertiseService', [{ ...ok, txt: ['=x'] }])).toThrow(/must start with a key/);
    expect(() => validateArgs('advertiseService', [{ ...ok, txt: ['k='.padEnd(256, 'x')] }])).toThrow(/longer than 255 bytes/);
    expect(() => validateArgs('advertiseService', [{ ...ok, txt: Array.from({ length: 40 }, () => 'k='.padEnd(250, 'x')) }])).toThrow(/longer than 8,900 bytes/);
  });

  it('checks ids and keys', () => {
    expect(validateArgs('withdrawService', ['adv-3'])).toEqual(['adv-3']);
    expect(() => validateArgs('withdrawService', ['3'])).toThrow(/is not an advertised service id/);
    expect(() => validateArgs('getServiceDetails', [''])).toThrow('The service must not be empty.');
  });
});
