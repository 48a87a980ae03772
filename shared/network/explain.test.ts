import { describe, expect, it } from 'vitest';
import { explainConnectError, isOnLocalSubnet, looksLikeLocalNetworkDenial, outcomeOf } from './explain';
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
