import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkConnection, explainTrust, udpProbe } from './connectionCheck';

// Loopback only: nothing here leaves the machine.
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('TCP connect test on loopback', () => {
  it('a closed port is "connection refused", explained', async () => {
    const r = await checkConnection({ host: '127.0.0.1', port: await freePort(), timeoutMs: 2000 });
    expect(r).toMatchObject({ outcome: 'refused', errno: 'ECONNREFUSED', address: '127.0.0.1' });
    expect(r.explanation).toMatch(/^Connection refused: the host is reachable, but nothing listens on that port/);
    expect(r.timeMs).toBeLessThan(2000);
  });
  it('an open port connects, with the time and the route', async () => {
    const server: Server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await checkConnection({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
      expect(r.outcome).toBe('connected');
      expect(r.errno).toBeNull();
      if (process.platform === 'linux') expect(r.route).toMatchObject({ iface: 'lo', error: null });
    } finally {
      server.close();
    }
  });
  it('TLS to a port that does not speak TLS is a TLS failure, not a crash', async () => {
    const server: Server = createServer((c) => c.end('HTTP/1.0 400 nope\r\n\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await checkConnection({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, tls: true, timeoutMs: 2000 });
      expect(r.outcome).toBe('tls-failed');
      expect(r.tls?.handshake).toBe('failed');
      expect(r.explanation).toMatch(/may not speak TLS/);
    } finally {
      server.close();
    }
  });
});

describe('UDP probe on loopback', () => {
  it('a closed port answers with ICMP port unreachable: closed', async () => {
    const r = await udpProbe({ host: '127.0.0.1', port: await freePort(), timeoutMs: 1500 });
    expect(r).toMatchObject({ outcome: 'closed', errno: 'ECONNREFUSED' });
  });
  it('a silent listener gives no ICMP: open or filtered', async () => {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    try {
      const r = await udpProbe({ host: '127.0.0.1', port: s.address().port, timeoutMs: 600 });
      expect(r.outcome).toBe('no-icmp');
      expect(r.explanation).toMatch(/open \(and silent\) or a firewall drops/);
    } finally {
      s.close();
    }
  });
  it('a listener that echoes: answered', async () => {
    const s = createSocket('udp4');
    s.on('message', (m, rinfo) => s.send(m, rinfo.port, rinfo.address));
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    try {
      expect((await udpProbe({ host: '127.0.0.1', port: s.address().port, timeoutMs: 1500 })).outcome).toBe('answered');
    } finally {
      s.close();
    }
  });
});

describe('trust explanations', () => {
  const chain = [{ subject: 'CN=dev', issuer: 'CN=Lab CA', validFrom: '', validTo: 'Jan 1 2020', fingerprint256: '', altNames: null, selfSigned: false }];
  it('self-signed, private CA, expired, system store disagreeing', () => {
    const base = { trusted: false, trustSource: 'default-store' as const, hostnameMatches: true, hostnameError: null, systemStoreTrusted: null, chain };
    expect(explainTrust({ ...base, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).toMatch(/self-signed certificate/);
    expect(explainTrust({ ...base, trustError: 'SELF_SIGNED_CERT_IN_CHAIN' })).toMatch(/private CA/);
    expect(explainTrust({ ...base, trustError: 'CERT_HAS_EXPIRED' })).toMatch(/expired \(valid until Jan 1 2020\)/);
    expect(explainTrust({ ...base, trustError: 'SELF_SIGNED_CERT_IN_CHAIN', systemStoreTrusted: true })).toMatch(/works in one tool but not in my app/);
    expect(explainTrust({ ...base, trusted: true, trustError: null, hostnameMatches: false, hostnameError: "Host: x. is not in the cert's altnames" })).toMatch(/does not name this host/);
  });
});
