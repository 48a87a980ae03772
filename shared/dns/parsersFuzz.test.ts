import { describe, expect, it } from 'vitest';
import nmCentos from './fixtures/linux-nmcli-dev-show-centos77-docker.txt?raw';
import nmFedora from './fixtures/linux-nmcli-dev-show-fedora32-ipv4-ipv6-dns.txt?raw';
import rcFour from './fixtures/linux-resolv-conf-4-search-domains-rotate.txt?raw';
import rcDhclient from './fixtures/linux-resolv-conf-dhclient-options.txt?raw';
import rcSeven from './fixtures/linux-resolv-conf-grep-nameserver-7-entries.txt?raw';
import rcStub from './fixtures/linux-resolv-conf-systemd-resolved-stub-127.0.0.53-azure-ubuntu1804.txt?raw';
import rsLinkLocal from './fixtures/linux-resolvectl-status-link-local-ipv6-dns-3-servers.txt?raw';
import rsMulti from './fixtures/linux-resolvectl-status-multilink-ipv6-ula-PARTIAL.txt?raw';
import rsAzure from './fixtures/linux-systemd-resolve-status-ubuntu1804-azure-docker-veths.txt?raw';
import rcMac from './fixtures/macos-etc-resolv-conf-generated-notice-ipv6.txt?raw';
import scTen from './fixtures/macos-scutil-dns-10-search-domains-supplemental-PARTIAL.txt?raw';
import scTwoPpp from './fixtures/macos-scutil-dns-10.8-two-ppp-umts-plus-vpn.txt?raw';
import scVpn from './fixtures/macos-scutil-dns-10.8-vpn-ppp0-wlan.txt?raw';
import scFirezone from './fixtures/macos-scutil-dns-firezone-utun8-supplemental-ipv6-PARTIAL.txt?raw';
import scForti from './fixtures/macos-scutil-dns-openfortivpn-ppp0-supplemental-REDACTED.txt?raw';
import scTailscale from './fixtures/macos-scutil-dns-tailscale-scoped-ipv6-utun5-PARTIAL.txt?raw';
import scTunnelblick from './fixtures/macos-scutil-dns-tunnelblick-utun0-scoped-only-openvpn.txt?raw';
import scUtun4 from './fixtures/macos-scutil-dns-utun4-supplemental-ipv6-nameserver-PARTIAL.txt?raw';
import winClientJson from './fixtures/windows-get-dnsclient-json-CONSTRUCTED.json?raw';
import winServerJson from './fixtures/windows-get-dnsclientserveraddress-json-CONSTRUCTED.json?raw';
import winTable from './fixtures/windows-get-dnsclientserveraddress-firezone-4-servers-fec0.txt?raw';
import win2016 from './fixtures/windows-ipconfig-all-server2016-domain.txt?raw';
import win10 from './fixtures/windows-ipconfig-all-win10-tailscale-ipv6-dns.txt?raw';
import { parseIpconfigAll } from './ipconfigAll';
import { parseNmcliDevShow } from './nmcliDevShow';
import { parseGetDnsClientServerAddressTable, parsePowerShellDnsJson } from './powershellDns';
import { parseResolvConf } from './resolvConf';
import { parseResolvectlStatus } from './resolvectlStatus';
import type { ResolverList } from './resolverList';
import { parseScutilDns } from './scutilDns';
import { previewSearchList } from './searchList';

const parsers: [string, (text: string) => ResolverList][] = [
  ['scutil', parseScutilDns],
  ['resolvectl', parseResolvectlStatus],
  ['nmcli', parseNmcliDevShow],
  ['resolv.conf', parseResolvConf],
  ['ipconfig', parseIpconfigAll],
  ['powershell table', parseGetDnsClientServerAddressTable],
  ['powershell json', (t) => parsePowerShellDnsJson(t, t)],
];

const fixtures = [
  nmCentos, nmFedora, rcFour, rcDhclient, rcSeven, rcStub, rsLinkLocal, rsMulti, rsAzure, rcMac, scTen, scTwoPpp, scVpn,
  scFirezone, scForti, scTailscale, scTunnelblick, scUtun4, winClientJson, winServerJson, winTable, win2016, win10,
];

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that matter to the parsers, plus arbitrary ones.
const ALPHABET = ' \t\r\n:.%#[]{}(),;-~0123456789abcdefABCDEF"\\<>resolvenamsrvLinkGlobal\u0000\uFEFF…é中';

function randomText(rnd: () => number, maxLength: number): string {
  const n = Math.floor(rnd() * maxLength);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += rnd() < 0.95 ? ALPHABET[Math.floor(rnd() * ALPHABET.length)] : String.fromCharCode(Math.floor(rnd() * 0xffff));
  }
  return s;
}

function mutate(rnd: () => number, text: string): string {
  const chars = [...text];
  const edits = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < edits && chars.length > 0; i++) {
    const at = Math.floor(rnd() * chars.length);
    const op = rnd();
    if (op < 0.4) chars.splice(at, 1 + Math.floor(rnd() * 10));
    else if (op < 0.7) chars.splice(at, 0, ALPHABET[Math.floor(rnd() * ALPHABET.length)] ?? '');
    else {
      // Duplicate or move a line, as a cut-and-paste would.
      const lines = chars.join('').split('\n');
      const from = Math.floor(rnd() * lines.length);
      lines.splice(Math.floor(rnd() * lines.length), 0, lines[from] ?? '');
      chars.splice(0, chars.length, ...lines.join('\n'));
    }
  }
  return chars.join('');
}

/** What is wrong with a parser's answer, or [] (plain checks: one expect() per check cost 60% of the run). */
function shapeProblems(list: ResolverList): string[] {
  const problems: string[] = [];
  if (!Array.isArray(list.resolvers)) problems.push('resolvers is not an array');
  if (!Array.isArray(list.warnings)) return [...problems, 'warnings is not an array'];
  for (const w of list.warnings) if (w.startsWith('Internal parser error')) problems.push(w);
  for (const e of Array.isArray(list.resolvers) ? list.resolvers : []) {
    if (typeof e.inUse !== 'boolean') problems.push('inUse is not a boolean');
    if (typeof e.why !== 'string') problems.push('why is not a string');
    for (const s of e.servers) {
      if (typeof s.why !== 'string' || s.why.length === 0) problems.push('a server has no why');
      if (!Number.isInteger(s.port)) problems.push(`port ${String(s.port)} is not an integer`);
    }
  }
  return problems;
}

function checkShape(list: ResolverList): void {
  const problems = shapeProblems(list);
  if (problems.length) expect(problems).toEqual([]);
}

/**
 * These runs are pure CPU: on a 2-core machine at load 16 (nice 19) the cut-at-every-line run took
 * 4.7 s of vitest's default 5 s limit (2.9 s of it parsing and checking, the rest waiting for a CPU).
 * The limit is the runner's, not a promise of the parsers: they get one a busy machine cannot break.
 */
const CPU_BOUND_MS = 120_000;

describe('parsers never throw', () => {
  it('on random text', { timeout: CPU_BOUND_MS }, () => {
    const rnd = random(20240601);
    for (let i = 0; i < 400; i++) {
      const text = randomText(rnd, 600);
      for (const [, parse] of parsers) checkShape(parse(text));
    }
  });

  it('on every fixture cut at every line, and at random characters', { timeout: CPU_BOUND_MS }, () => {
    const rnd = random(7);
    for (const fixture of fixtures) {
      const lines = fixture.split('\n');
      for (let n = 0; n <= lines.length; n++) {
        const cut = lines.slice(0, n).join('\n');
        for (const [, parse] of parsers) checkShape(parse(cut));
      }
      for (let k = 0; k < 20; k++) {
        const cut = fixture.slice(0, Math.floor(rnd() * fixture.length));
        for (const [, parse] of parsers) checkShape(parse(cut));
      }
    }
  });

  it('on mutated fixtures', { timeout: CPU_BOUND_MS }, () => {
    const rnd = random(99);
    for (let i = 0; i < 300; i++) {
      const fixture = fixtures[Math.floor(rnd() * fixtures.length)] ?? '';
      const text = mutate(rnd, fixture);
      for (const [, parse] of parsers) checkShape(parse(text));
    }
  });

  it('on values that are not text at all', () => {
    for (const bad of [undefined, null, 42, {}, [], Symbol('x')]) {
      for (const [, parse] of parsers) {
        const list = parse(bad as unknown as string);
        expect(list.resolvers).toEqual([]);
        checkShape(list);
      }
    }
  });

  it('the search-list preview never throws either', { timeout: CPU_BOUND_MS }, () => {
    const rnd = random(3);
    for (let i = 0; i < 500; i++) {
      const name = randomText(rnd, 80);
      const domains = Array.from({ length: Math.floor(rnd() * 8) }, () => randomText(rnd, 30));
      const preview = previewSearchList(name, { searchDomains: domains, ndots: Math.floor(rnd() * 20) - 2, noTldQuery: rnd() < 0.5, rules: rnd() < 0.5 ? 'glibc' : 'macos' });
      expect(Array.isArray(preview.steps)).toBe(true);
    }
    expect(previewSearchList(undefined as unknown as string, { searchDomains: null as unknown as string[] }).steps).toEqual([]);
    expect(previewSearchList('x', { searchDomains: null as unknown as string[] }).steps).toEqual([{ name: 'x', searchDomain: null }]);
  });
});
