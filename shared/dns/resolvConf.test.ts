import { describe, expect, it } from 'vitest';
import fourSearch from './fixtures/linux-resolv-conf-4-search-domains-rotate.txt?raw';
import dhclient from './fixtures/linux-resolv-conf-dhclient-options.txt?raw';
import sevenServers from './fixtures/linux-resolv-conf-grep-nameserver-7-entries.txt?raw';
import stub from './fixtures/linux-resolv-conf-systemd-resolved-stub-127.0.0.53-azure-ubuntu1804.txt?raw';
import macCopy from './fixtures/macos-etc-resolv-conf-generated-notice-ipv6.txt?raw';
import { parseResolvConf } from './resolvConf';
import { serversInUse, summarizeResolverList } from './resolverList';

describe('resolv.conf, real files', () => {
  it('7 nameservers: glibc reads only the first 3 (MAXNS), repeats are named', () => {
    const list = parseResolvConf(sevenServers);
    expect(summarizeResolverList(list)).toEqual([
      '/etc/resolv.conf · default · used',
      '  92.222.97.145 · used',
      '  192.99.85.244 · used',
      '  208.67.222.222 · used',
      '  208.67.220.220 · not used',
      '  92.222.97.145 · not used',
      '  192.99.85.244 · not used',
      '  185.121.177.177 · not used',
    ]);
    const servers = list.resolvers[0]?.servers ?? [];
    expect(servers[3]?.why).toBe(
      'glibc reads only the first 3 nameserver lines (MAXNS); this is number 4, so programs using the system resolver never ask it.',
    );
    expect(servers[4]?.why).toBe(
      'glibc reads only the first 3 nameserver lines (MAXNS); this is number 5, so programs using the system resolver never ask it. It repeats nameserver 1.',
    );
    expect(list.notes).toEqual([
      'This file lists 7 nameservers; glibc and musl use only the first 3 (MAXNS), so the other 4 are never asked by programs using the system resolver.',
    ]);
    expect(serversInUse(list).map((s) => s.address)).toEqual(['92.222.97.145', '192.99.85.244', '208.67.222.222']);
  });

  it('4 search domains, rotate and ndots on separate options lines', () => {
    const list = parseResolvConf(fourSearch);
    expect(summarizeResolverList(list)).toEqual([
      '/etc/resolv.conf · default · used · search eng.myprime.com, dev.eng.myprime.com, labs.myprime.com, qa.myprime.com',
      '  10.136.17.15 · used',
    ]);
    expect(list.resolvers[0]?.options).toEqual({ raw: ['rotate', 'ndots:1'], rotate: true, ndots: 1 });
    expect(list.resolvers[0]?.why).toBe('Programs using the system resolver (glibc) read this file; with "options rotate" they take the servers in turn.');
    expect(list.searchDomains).toEqual(['eng.myprime.com', 'dev.eng.myprime.com', 'labs.myprime.com', 'qa.myprime.com']);
    expect(list.notes).toEqual([]);
    expect(list.warnings).toEqual([]);
  });

  it('dhclient file: "retries:1" is not a glibc option', () => {
    const list = parseResolvConf(dhclient);
    expect(summarizeResolverList(list)).toEqual(['/etc/resolv.conf · default · used · search example.com', '  10.1.1.2 · used', '  10.1.1.1 · used']);
    expect(list.resolvers[0]?.options).toEqual({ raw: ['rotate', 'timeout:1', 'retries:1'], rotate: true, timeoutSeconds: 1 });
    expect(list.notes).toEqual(['"options retries:1" is not a glibc option, so glibc ignores it (glibc counts tries with attempts:n).']);
  });

  it('systemd-resolved stub: the real servers are in resolvectl', () => {
    const list = parseResolvConf(stub);
    expect(summarizeResolverList(list)).toEqual([
      '/etc/resolv.conf · default · used · search ek2oglvmzcme1lipmi1rew0jlb.zx.internal.cloudapp.net',
      '  127.0.0.53 · used',
    ]);
    expect(list.resolvers[0]?.servers[0]?.why).toBe(
      "127.0.0.53 is systemd-resolved's local stub: programs ask it, and systemd-resolved forwards to the servers `resolvectl status` lists.",
    );
    expect(list.resolvers[0]?.options).toEqual({ raw: ['edns0'], edns0: true });
    expect(list.notes).toEqual([
      'This resolv.conf points at systemd-resolved (stub 127.0.0.53): the servers really used are the ones `resolvectl status` shows, per link.',
    ]);
  });

  it("macOS's generated copy: not consulted by the system resolver", () => {
    const list = parseResolvConf(macCopy);
    expect(summarizeResolverList(list)).toEqual([
      '/etc/resolv.conf · default · not used · search attlocal.net',
      '  100.100.111.1 · not used',
      '  fd00:2021:1111:8000:100:100:111:0 · not used',
    ]);
    expect(list.resolvers[0]?.why).toContain('macOS does not consult /etc/resolv.conf for ordinary lookups');
    expect(list.notes).toEqual([
      'This is the copy of the default resolver that macOS writes for tools that read /etc/resolv.conf; the system resolver ignores it. Read `scutil --dns` for every resolver in use.',
    ]);
    expect(serversInUse(list)).toEqual([]);
  });
});

describe('resolv.conf, rules', () => {
  it('the last of domain/search wins; zones, loopback, bad lines and long search lists are reported', () => {
    const list = parseResolvConf(
      [
        'search a.example b.example c.example d.example e.example f.example g.example',
        'domain only.example',
        'nameserver fe80::1%eth0',
        'nameserver 127.0.0.1',
        'nameserver not-an-address',
        'nameserver',
        'frobnicate yes',
        'options ndots:20 attempts:9 timeout:99 single-request',
      ].join('\n'),
    );
    expect(summarizeResolverList(list)).toEqual([
      '/etc/resolv.conf · default · used · search only.example',
      '  fe80::1%eth0 · used',
      '  127.0.0.1 · used',
      '  not-an-address · not used',
    ]);
    expect(list.resolvers[0]?.options).toEqual({ raw: ['ndots:20', 'attempts:9', 'timeout:99', 'single-request'], ndots: 15, attempts: 5, timeoutSeconds: 30 });
    expect(list.resolvers[0]?.servers[1]?.why).toContain('127.0.0.1 is a DNS server on this machine itself');
    expect(list.notes).toEqual(['"domain" and "search" both appear; the last one (domain, line 2) wins.']);
    expect(list.warnings).toEqual([
      'Line 5: nameserver "not-an-address" is not an IP address.',
      'Line 6: "nameserver" without an address.',
      'Line 7: "frobnicate" is not a resolv.conf keyword; ignored.',
    ]);
  });

  it('an empty file means glibc asks 127.0.0.1; more than 6 search domains is noted', () => {
    const empty = parseResolvConf('');
    expect(empty.notes).toEqual(['No nameserver line: glibc then asks a server on this machine (127.0.0.1).']);
    expect(summarizeResolverList(empty)).toEqual(['/etc/resolv.conf · default · not used']);
    expect(empty.resolvers[0]?.why).toBe('No usable nameserver line: glibc then asks a DNS server on this machine (127.0.0.1).');
    const many = parseResolvConf('nameserver 10.0.0.1\nsearch a b c d e f g\n');
    expect(many.notes).toEqual(['7 search domains: glibc before 2.26 uses only the first 6 (MAXDNSRCH).']);
  });
});
