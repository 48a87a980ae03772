import { describe, expect, it } from 'vitest';
import { bareDnsName, dnsNameProblem, dnsServerAddress } from './names';

describe('dnsNameProblem and bareDnsName', () => {
  it('accepts ordinary, SRV-style, wildcard, absolute and root names', () => {
    for (const n of ['example.com', 'example.com.', '_sip._tcp.example.com', '*.example.com', '.', 'a'.repeat(63) + '.com']) expect(dnsNameProblem(n)).toBeNull();
    expect(bareDnsName('example.com.')).toBe('example.com');
    expect(bareDnsName(' example.com ')).toBe('example.com');
    expect(bareDnsName('.')).toBe('.');
    expect(bareDnsName('a'.repeat(63) + '.com')).toHaveLength(67);
  });

  it('refuses empty names, empty labels, long labels, long names and odd characters with a reason', () => {
    expect(dnsNameProblem('')).toContain('empty');
    expect(dnsNameProblem('a..b')).toContain('empty label');
    expect(dnsNameProblem('.a')).toContain('empty label');
    expect(dnsNameProblem('a'.repeat(64) + '.com')).toContain('more than 63');
    expect(dnsNameProblem(Array(64).fill('abc').join('.'))).toContain('more than 253');
    expect(dnsNameProblem('exa mple.com')).toContain('characters other than');
    expect(dnsNameProblem('bücher.de')).toContain('xn--');
    expect(dnsNameProblem('a.*.com')).toContain('characters other than');
  });
});

describe('dnsServerAddress', () => {
  it('reads IPv4, IPv6 with scope id and ports', () => {
    expect(dnsServerAddress('10.0.0.1')).toMatchObject({ address: '10.0.0.1', family: 'ipv4', port: 53, zone: null });
    expect(dnsServerAddress('127.0.0.1:5353')).toMatchObject({ port: 5353, text: '127.0.0.1:5353' });
    expect(dnsServerAddress('fe80::1%eth0')).toMatchObject({ address: 'fe80::1', family: 'ipv6', zone: 'eth0', port: 53 });
    expect(dnsServerAddress('[fd00::1]:5300')).toMatchObject({ address: 'fd00::1', port: 5300, text: '[fd00::1]:5300' });
  });

  it('refuses names, bad ports and TLS names', () => {
    expect(dnsServerAddress('dns.google')).toBeNull();
    expect(dnsServerAddress('10.0.0.1:70000')).toBeNull();
    expect(dnsServerAddress('1.1.1.1#cloudflare-dns.com')).toBeNull();
  });
});
