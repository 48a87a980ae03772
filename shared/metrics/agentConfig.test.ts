import { describe, expect, it } from 'vitest';
import { AGENT_DEFAULT_PORT, parseStreamSpec, readAgentConfig } from './agentConfig';

describe('the agent config', () => {
  it('applies defaults and keeps the parts as given, for the contract to check again at its door', () => {
    const c = readAgentConfig({ streams: [{ port: 4000, label: 'telemetry' }], dnsWatch: { servers: ['10.0.0.1'], intervalSec: 10 }, browse: true });
    expect(c).toEqual({
      host: '127.0.0.1',
      port: AGENT_DEFAULT_PORT,
      tokenFile: undefined,
      allowRemote: false,
      metricsWithoutToken: false,
      watchNetwork: true,
      streams: [{ port: 4000, label: 'telemetry' }],
      dnsWatch: { servers: ['10.0.0.1'], intervalSec: 10 },
      browse: {},
    });
    expect(readAgentConfig({ browse: { types: ['_http._tcp'] } }).browse).toEqual({ types: ['_http._tcp'] });
    expect(readAgentConfig({ browse: false }).browse).toBeUndefined();
  });

  it('refuses with the place in the file and the contract\'s own words', () => {
    expect(() => readAgentConfig({ streams: [{ port: 4000 }, { port: 70000 }] })).toThrow(/^streams\[1\]\.port: port must be 1–65535/);
    expect(() => readAgentConfig({ streams: [{ port: 4000, decode: 'klingon' }] })).toThrow(/^streams\[0\]\.decode: .*not a known format/);
    expect(() => readAgentConfig({ streams: [{ port: 4000 }, { port: 4000 }] })).toThrow(/streams\[1\]\.port: port 4000 is listened to by an earlier stream/);
    expect(() => readAgentConfig({ dnsWatch: { servers: ['not an address'] } })).toThrow(/^dnsWatch\.servers\[0\]: "not an address" is not a DNS server address/);
    expect(() => readAgentConfig({ browse: { types: ['printer'] } })).toThrow(/^browse\.types\[0\]: is not a service type/);
    expect(() => readAgentConfig({ stream: [] })).toThrow(/stream/);
    expect(() => readAgentConfig({ port: 'x' })).toThrow(/^port: /);
  });

  it('reads --stream as a port or key=value pairs, refusing unknown keys and non-numbers', () => {
    expect(parseStreamSpec('4000')).toEqual({ port: 4000 });
    expect(parseStreamSpec('port=5000,group=239.1.2.3,iface=eth0,label=cam,decode=seq,gap-ms=100,bin=10,recv-buffer=65536')).toEqual({ port: 5000, address: '239.1.2.3', iface: 'eth0', label: 'cam', decode: 'seq', gapMs: 100, binMs: 10, recvBufferBytes: 65536 });
    expect(() => parseStreamSpec('port=5000,colour=red')).toThrow(/"colour=red" is not key=value with a key of port, address/);
    expect(() => parseStreamSpec('port=five')).toThrow(/port must be a number, got "five"/);
    expect(() => parseStreamSpec('label=x')).toThrow(/give port=N/);
    expect(() => parseStreamSpec('port=1,address=10.0.0.1,group=239.1.1.1')).toThrow(/group is given twice/);
  });
});
