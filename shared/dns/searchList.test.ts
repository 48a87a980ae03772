import { describe, expect, it } from 'vitest';
import tenSearch from './fixtures/macos-scutil-dns-10-search-domains-supplemental-PARTIAL.txt?raw';
import fourSearch from './fixtures/linux-resolv-conf-4-search-domains-rotate.txt?raw';
import { parseResolvConf } from './resolvConf';
import { parseScutilDns } from './scutilDns';
import { isReverseDomain, macosAutomaticDomains, previewSearchList } from './searchList';
import type { SearchSettings } from './searchList';

const names = (name: string, settings: SearchSettings) => previewSearchList(name, settings).steps.map((s) => s.name);
const two = ['a.example', 'b.example'];

describe('search-list preview, glibc rules', () => {
  it('a single-label name: each search domain, then the name as-is', () => {
    expect(previewSearchList('www', { searchDomains: two })).toEqual({
      steps: [
        { name: 'www.a.example', searchDomain: 'a.example' },
        { name: 'www.b.example', searchDomain: 'b.example' },
        { name: 'www', searchDomain: null },
      ],
      notes: [],
    });
  });

  it('enough dots for ndots: as-is first, then the search domains', () => {
    expect(names('www.google.com', { searchDomains: two, ndots: 1 })).toEqual(['www.google.com', 'www.google.com.a.example', 'www.google.com.b.example']);
    expect(names('host.sub', { searchDomains: two, ndots: 1 })).toEqual(['host.sub', 'host.sub.a.example', 'host.sub.b.example']);
  });

  it('Kubernetes-style ndots:5: a dotted name goes through every search domain before itself', () => {
    const preview = previewSearchList('api.github.com', {
      searchDomains: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      ndots: 5,
    });
    expect(preview.steps.map((s) => s.name)).toEqual([
      'api.github.com.default.svc.cluster.local',
      'api.github.com.svc.cluster.local',
      'api.github.com.cluster.local',
      'api.github.com',
    ]);
    expect(preview.notes).toEqual(['"api.github.com" has 2 dots, fewer than ndots 5: the search domains are tried before the name itself.']);
  });

  it('a trailing dot makes the name absolute', () => {
    expect(previewSearchList('www.', { searchDomains: two })).toEqual({
      steps: [{ name: 'www', searchDomain: null }],
      notes: ['The name ends with a dot, so it is absolute: no search domain is appended.'],
    });
  });

  it('ndots:0, no-tld-query, a root search domain, repeats, no search list', () => {
    expect(names('www', { searchDomains: two, ndots: 0 })).toEqual(['www', 'www.a.example', 'www.b.example']);
    expect(previewSearchList('www', { searchDomains: two, noTldQuery: true })).toEqual({
      steps: [
        { name: 'www.a.example', searchDomain: 'a.example' },
        { name: 'www.b.example', searchDomain: 'b.example' },
      ],
      notes: ['no-tld-query: the single-label name is never sent as-is.'],
    });
    expect(names('www', { searchDomains: ['a.example', '.', 'b.example'] })).toEqual(['www.a.example', 'www', 'www.b.example']);
    expect(previewSearchList('www', { searchDomains: ['a.example', 'a.example.'] })).toEqual({
      steps: [
        { name: 'www.a.example', searchDomain: 'a.example' },
        { name: 'www', searchDomain: null },
      ],
      notes: ['www.a.example would be tried again (a repeated search domain); it is listed once.'],
    });
    expect(names('www', { searchDomains: [] })).toEqual(['www']);
    expect(names('www', { searchDomains: [], noTldQuery: true })).toEqual(['www']);
  });

  it('uses the search list and ndots a parser found', () => {
    const conf = parseResolvConf(fourSearch);
    expect(names('build', { searchDomains: conf.searchDomains, ndots: conf.resolvers[0]?.options.ndots })).toEqual([
      'build.eng.myprime.com',
      'build.dev.eng.myprime.com',
      'build.labs.myprime.com',
      'build.qa.myprime.com',
      'build',
    ]);
  });

  it('rejects empty and malformed names, skips names too long for DNS', () => {
    expect(previewSearchList('  ', { searchDomains: two })).toEqual({ steps: [], notes: ['No name given.'] });
    expect(previewSearchList('a..b', { searchDomains: two })).toEqual({ steps: [], notes: ['"a..b" is not a valid name: it has an empty label.'] });
    const long = 'x'.repeat(250);
    const preview = previewSearchList(long, { searchDomains: ['a.example'] });
    expect(preview.steps.map((s) => s.name)).toEqual([long]);
    expect(preview.notes).toEqual([`${'x'.repeat(40)}… is longer than 253 characters and cannot be sent.`]);
  });
});

describe('search-list preview, macOS rules', () => {
  const list = parseScutilDns(tenSearch);

  it('a single-label name: the default resolver search domains, in order', () => {
    const preview = previewSearchList('wiki', { searchDomains: list.searchDomains, rules: 'macos' });
    expect(preview.steps.map((s) => s.name)).toEqual([
      'wiki.corp.example.com',
      'wiki.app.example.com',
      'wiki.internal.example.com',
      'wiki.office.example.local',
      'wiki.dev.example.com',
      'wiki.example.com',
      'wiki.services.example.com',
      'wiki.team.example.com',
      'wiki.portal.example.com',
      'wiki.sandbox.example.com',
    ]);
    expect(preview.notes).toEqual(['Whether macOS finally also sends a single-label name as-is differs between versions; it is not listed.']);
  });

  it('a dotted name is sent only as-is, whatever ndots says', () => {
    expect(previewSearchList('wiki.team', { searchDomains: list.searchDomains, rules: 'macos', ndots: 5 })).toEqual({
      steps: [{ name: 'wiki.team', searchDomain: null }],
      notes: [
        'macOS (mDNSResponder) appends search domains only to names without a dot, unless AlwaysAppendSearchDomains is set; tools that read /etc/resolv.conf (host, nslookup) follow the glibc-style ndots rule instead.',
      ],
    });
  });

  it('skips reverse-mapping search domains and names the ones mDNSResponder adds itself (mDNSResponder uDNS.c, mDNSMacOSX.c)', () => {
    const interfaceAddresses = [
      { address: '192.168.1.23', netmask: '255.255.255.0' },
      { address: '172.16.5.9', netmask: '255.255.240.0' },
      { address: '127.0.0.1', netmask: '255.0.0.0' },
      { address: '169.254.3.4', netmask: '255.255.0.0' },
      { address: '192.168.1.99', netmask: '255.255.255.0' },
      { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::' },
    ];
    expect(macosAutomaticDomains(interfaceAddresses)).toEqual([
      { domain: '0.1.168.192.in-addr.arpa', from: '192.168.1.23/255.255.255.0' },
      { domain: '0.0.16.172.in-addr.arpa', from: '172.16.5.9/255.255.240.0' },
    ]);
    expect(previewSearchList('nas', { searchDomains: ['home.example', '1.168.192.in-addr.arpa', '8.b.d.0.1.0.0.2.ip6.arpa'], rules: 'macos', interfaceAddresses })).toEqual({
      steps: [{ name: 'nas.home.example', searchDomain: 'home.example' }],
      notes: [
        'mDNSResponder never appends a reverse-mapping domain to a name: 1.168.192.in-addr.arpa, 8.b.d.0.1.0.0.2.ip6.arpa are on the search list but skipped.',
        'mDNSResponder also puts 0.1.168.192.in-addr.arpa (from 192.168.1.23/255.255.255.0), 0.0.16.172.in-addr.arpa (from 172.16.5.9/255.255.240.0) on its own search list, only to look for Bonjour browsing domains (queries such as b._dns-sd._udp.0.1.168.192.in-addr.arpa reach the DNS server); it never appends them to a name.',
        'Whether macOS finally also sends a single-label name as-is differs between versions; it is not listed.',
      ],
    });
    // glibc appends whatever is on the list, a reverse domain too.
    expect(names('nas', { searchDomains: ['1.168.192.in-addr.arpa'], interfaceAddresses })).toEqual(['nas.1.168.192.in-addr.arpa', 'nas']);
    expect(['in-addr.arpa', '10.IN-ADDR.ARPA.', 'f.ip6.arpa'].map(isReverseDomain)).toEqual([true, true, true]);
    expect(['arpa', 'in-addr.arpa.example', 'home.arpa'].map(isReverseDomain)).toEqual([false, false, false]);
  });
});
