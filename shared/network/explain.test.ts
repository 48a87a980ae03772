import { describe, expect, it } from 'vitest';
import { explainConnectError, isOnLocalSubnet, localNetworkSilenceCause, looksLikeLocalNetworkDenial, looksLikeLocalNetworkSilence, outcomeOf, sendErrorHint } from './explain';
import type { NetInterface } from './types';

const en0: NetInterface = { name: 'en0', kind: 'wifi', index: 8, mac: null, mtu: 1500, up: true, running: true, flags: [], addresses: [{ address: '192.168.1.72', family: 'ipv4', prefixLength: 24 }, { address: 'fd00:1::5', family: 'ipv6', prefixLength: 64 }], linkKind: null };
const tun: NetInterface = { ...en0, name: 'utun3', kind: 'vpn-tunnel', addresses: [{ address: '10.8.0.2', family: 'ipv4', prefixLength: 8 }] };

describe('connection test explanations', () => {
  it('local subnet: the interface prefixes, not tunnels', () => {
    expect(isOnLocalSubnet('192.168.1.20', [en0, tun])).toBe(true);
    expect(isOnLocalSubnet('192.168.2.20', [en0, tun])).toBe(false);
    expect(isOnLocalSubnet('fd00:1::9', [en0])).toBe(true);
    expect(isOnLocalSubnet('10.1.2.3', [en0, tun])).toBe(false);
  });
  it('recognises the macOS Local Network privacy denial and says where to grant access', () => {
    const ctx = { platform: 'darwin', localSubnet: true, routeExists: true };
    expect(looksLikeLocalNetworkDenial('EHOSTUNREACH', ctx)).toBe(true);
    expect(explainConnectError('EHOSTUNREACH', ctx)).toContain('System Settings > Privacy & Security > Local Network');
    expect(looksLikeLocalNetworkDenial('EHOSTUNREACH', { ...ctx, platform: 'linux' })).toBe(false);
    expect(looksLikeLocalNetworkDenial('EHOSTUNREACH', { ...ctx, localSubnet: false })).toBe(false);
    expect(looksLikeLocalNetworkDenial('ECONNREFUSED', ctx)).toBe(false);
  });
  it('the common errnos', () => {
    const ctx = { platform: 'linux', localSubnet: false, routeExists: false, timeoutMs: 2000 };
    expect(outcomeOf('ECONNREFUSED')).toBe('refused');
    expect(explainConnectError('ECONNREFUSED', ctx)).toMatch(/^Connection refused: .*nothing listens/);
    expect(explainConnectError('ENETUNREACH', ctx)).toMatch(/no route to that address/);
    expect(explainConnectError('TIMEOUT', ctx)).toMatch(/No answer within 2000 ms: .*silently dropped/);
    expect(explainConnectError('EHOSTUNREACH', { ...ctx, localSubnet: true })).toMatch(/no device answered/);
  });
});

describe('the macOS Local Network denial on reception and on sending', () => {
  it('reads a silent group on macOS 15 and later as the denial, and nothing else', () => {
    const silent = { platform: 'darwin', osRelease: '24.3.0', kind: 'multicast' as const, packets: 0, listeningMs: 6000 };
    expect(looksLikeLocalNetworkSilence(silent)).toBe(true);
    expect(looksLikeLocalNetworkSilence({ ...silent, kind: 'source-specific multicast' })).toBe(true);
    expect(looksLikeLocalNetworkSilence({ ...silent, osRelease: '23.6.0' })).toBe(false); // macOS 14
    expect(looksLikeLocalNetworkSilence({ ...silent, kind: 'unicast' })).toBe(false);
    expect(looksLikeLocalNetworkSilence({ ...silent, packets: 1 })).toBe(false);
    expect(looksLikeLocalNetworkSilence({ ...silent, listeningMs: 4000 })).toBe(false);
    expect(looksLikeLocalNetworkSilence({ ...silent, platform: 'linux' })).toBe(false);
    expect(localNetworkSilenceCause().fix).toContain('System Settings > Privacy & Security > Local Network');
  });

  it('explains a send refused with EHOSTUNREACH to the local network on macOS', () => {
    // Node's message for a refused UDP send.
    const hint = sendErrorHint('send EHOSTUNREACH 192.168.1.20:5004', '192.168.1.20', [en0], 'darwin');
    expect(hint).toMatch(/Local Network privacy denied this app/);
    expect(sendErrorHint('send EHOSTUNREACH 8.8.8.8:53', '8.8.8.8', [en0], 'darwin')).toBeNull();
    expect(sendErrorHint('send EHOSTUNREACH 192.168.1.20:5004', '192.168.1.20', [en0], 'linux')).toBeNull();
    expect(sendErrorHint('send ENOBUFS 192.168.1.20:5004', '192.168.1.20', [en0], 'darwin')).toBeNull();
    expect(sendErrorHint(null, '192.168.1.20', [en0], 'darwin')).toBeNull();
  });
});
