// `gapscope browse` without sockets: options, errors before any socket opens, and the listing.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { NetInterface } from '../../shared/network/types';
import type { ServiceInstance } from '../../shared/mdns/serviceCache';
import { createBonjourService } from '../bonjour/bonjourService';
import { humanBrowseReport, registerBrowseCommands, typeOption } from './browse';
import { featureApi } from './testing/featureApi';

const lo: NetInterface = { name: 'lo', kind: 'loopback', index: 1, mac: null, mtu: 65536, up: true, running: true, flags: ['UP', 'LOOPBACK'], addresses: [{ address: '127.0.0.1', family: 'ipv4', prefixLength: 8 }], linkKind: null };

function program(lines: string[]): Command {
  const p = new Command('gapscope').exitOverride().configureOutput({ writeErr: (s) => void lines.push(s), writeOut: (s) => void lines.push(s) });
  registerBrowseCommands(p, { out: (l) => void lines.push(l), err: (l) => void lines.push(l) }, { withApi: featureApi((ctx) => createBonjourService(ctx, { listInterfaces: () => [lo] })) });
  for (const c of p.commands) c.exitOverride().configureOutput({ writeErr: (s) => void lines.push(s) });
  return p;
}

describe('gapscope browse', () => {
  it('takes types repeated or comma-separated (the contract checks them and adds .local)', () => {
    expect(typeOption('_http._tcp,_ipp._tcp.local', ['_a._udp.local'])).toEqual(['_a._udp.local', '_http._tcp', '_ipp._tcp.local']);
  });

  it('refuses a bad type or duration before opening anything', async () => {
    const lines: string[] = [];
    await expect(program(lines).parseAsync(['node', 'gapscope', 'browse', '--type', 'printer'])).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/^The type is not a service type like _http\._tcp/), field: 'types' });
    await expect(program(lines).parseAsync(['node', 'gapscope', 'browse', '--duration', '-1'])).rejects.toThrow(/--duration must be a number/);
  });

  // The Bonjour view's sentences (the CLI's were 'No interface "wlan9" on this machine (interfaces: lo).' and 'Interface lo does not do multicast, …').
  it('refuses an unknown interface and one without multicast', async () => {
    await expect(program([]).parseAsync(['node', 'gapscope', 'browse', '--iface', 'wlan9'])).rejects.toMatchObject({ code: 'no-such-interface', message: 'No interface "wlan9" on this machine.' });
    await expect(program([]).parseAsync(['node', 'gapscope', 'browse', '--iface', 'lo'])).rejects.toMatchObject({ code: 'no-such-interface', message: 'Interface lo is down or does not do multicast, so mDNS cannot run on it.' });
  });

  it('says when there is no interface to browse on', async () => {
    await expect(program([]).parseAsync(['node', 'gapscope', 'browse', '--duration', '1'])).rejects.toMatchObject({ code: 'socket-error', message: 'No interface with multicast to browse on.' });
  });

  it('lists each type, then its instances with host, port, addresses, interfaces and TXT', () => {
    const web: ServiceInstance = {
      key: 'web._http._tcp.local', name: 'Web. 1', type: '_http._tcp.local', host: 'box.local', port: 80, priority: 0, weight: 0,
      txt: [{ key: 'path', value: '/', binary: false }, { key: 'b', value: null, binary: false }, { key: 'k', value: '00ff', binary: true }],
      txtBytes: 16, txtTruncated: false,
      addresses: [{ address: '10.0.0.5', family: 'ipv4', interfaces: ['eth1'] }, { address: 'fd00::5', family: 'ipv6', interfaces: ['eth1'] }],
      missing: [], interfaces: ['eth1', 'wlan0'], sources: [], ttl: 4500, firstSeen: 0, lastSeen: 0,
    };
    const bare: ServiceInstance = { ...web, name: 'Bare', host: null, port: null, txt: [], txtBytes: 0, addresses: [], missing: ['SRV', 'TXT', 'address'] };
    expect(humanBrowseReport([{ type: '_http._tcp.local', interfaces: ['eth1', 'wlan0'], instances: 1 }, { type: '_ipp._tcp.local', interfaces: ['eth1'], instances: 0 }], [web])).toEqual([
      '_http._tcp.local  [eth1, wlan0]  1 instance',
      '  "Web. 1"  box.local:80  10.0.0.5 fd00::5  [eth1, wlan0]  path=/ b k=0x00ff',
      '_ipp._tcp.local  [eth1]  0 instances',
    ]);
    expect(humanBrowseReport([{ type: '_http._tcp.local', interfaces: ['eth1'], instances: 1 }], [bare])[1]).toBe('  "Bare"  (no SRV yet)  (no address yet)  [eth1, wlan0]  (no TXT yet)');
    expect(humanBrowseReport([], [])).toEqual(['No services found.']);
  });
});
