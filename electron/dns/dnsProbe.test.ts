// Real queries over loopback to the test server (electron/dns/testing/testDnsServer.ts); nothing
// leaves this machine: every server address here is 127.0.0.1 or ::1.
import * as dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeDns } from './dnsProbe';
import { startTestDnsServer, type TestDnsServer } from './testing/testDnsServer';

let server: TestDnsServer;
let server6: TestDnsServer | null = null;

beforeAll(async () => {
  server = await startTestDnsServer();
  try {
    server6 = await startTestDnsServer({ host: '::1' });
  } catch {
    server6 = null; // no IPv6 loopback on this machine
  }
});
afterAll(async () => {
  await server.close();
  await server6?.close();
});

/** A loopback port with nothing listening (bound, read, closed). */
async function closedPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('probeDns over loopback', () => {
  it('gets an answer with rcode, flags, records, EDNS and a high-resolution RTT', async () => {
    const r = await probeDns({ server: server.address, name: 'host.test', type: 'A' });
    expect(r).toMatchObject({ kind: 'answer', rcode: 'NOERROR', transport: 'udp', truncated: false, type: 'A', name: 'host.test' });
    expect(r.flags).toMatchObject({ aa: true, rd: true, tc: false });
    expect(r.answers).toEqual([{ name: 'host.test', type: 'A', ttl: 60, data: '10.1.2.3' }]);
    expect(r.edns).toMatchObject({ udpPayloadSize: 1232, version: 0 });
    expect(r.rttMs).toBeGreaterThan(0);
    expect(r.rttMs).toBeLessThan(1000);
    expect(r.rttMs).not.toBe(Math.round(r.rttMs ?? 0));
    expect(r.message).toMatch(/answered NOERROR with 1 record in [\d.]+ ms over UDP/);
  });

  it('asks other types (AAAA, TXT, MX) and without EDNS when told', async () => {
    expect((await probeDns({ server: server.address, name: 'host.test', type: 'AAAA' })).answers[0]?.data).toBe('fd00::3');
    expect((await probeDns({ server: server.address, name: 'host.test', type: 'TXT' })).answers[0]?.data).toBe('"hello" "world"');
    expect((await probeDns({ server: server.address, name: 'host.test', type: 'mx' })).answers[0]?.data).toBe('10 mail.host.test.');
    const noEdns = await probeDns({ server: server.address, name: 'host.test', edns: false });
    expect(noEdns.edns).toBeNull();
  });

  it('uses a random id and a fresh source port for each query', async () => {
    const before = server.queries.length;
    const results = await Promise.all(Array.from({ length: 8 }, () => probeDns({ server: server.address, name: 'host.test' })));
    const seen = server.queries.slice(before);
    expect(new Set(seen.map((q) => q.id)).size).toBeGreaterThan(4);
    expect(new Set(seen.map((q) => q.sourcePort)).size).toBe(8);
    expect(results.map((r) => r.queryId).sort()).toEqual(seen.map((q) => q.id).sort());
  });

  it('says REFUSED apart from an answer', async () => {
    const r = await probeDns({ server: server.address, name: 'unknown.example' });
    expect(r).toMatchObject({ kind: 'refused', rcode: 'REFUSED' });
    expect(r.message).toContain('refused');
  });

  it('retries over TCP when the UDP reply is truncated', async () => {
    const r = await probeDns({ server: server.address, name: 'x.truncated.test', type: 'A' });
    expect(r).toMatchObject({ kind: 'answer', transport: 'tcp', truncated: true });
    expect(r.answers[0]?.data).toBe('10.1.2.3');
    expect(r.udpRttMs).toBeGreaterThan(0);
    expect(server.queries.filter((q) => q.name === 'x.truncated.test').map((q) => q.transport)).toEqual(['udp', 'tcp']);
    const noTcp = await probeDns({ server: server.address, name: 'y.truncated.test', tcpOnTruncation: false });
    expect(noTcp).toMatchObject({ kind: 'answer', transport: 'udp', truncated: false });
    expect(noTcp.flags?.tc).toBe(true);
  });

  it('times out against a server that stays silent', async () => {
    const r = await probeDns({ server: server.address, name: 'x.silent.test', timeoutMs: 300 });
    expect(r).toMatchObject({ kind: 'timeout', rttMs: null, rcode: null });
    expect(r.message).toContain('within 300 ms');
  });

  it('reports garbage with the right id as malformed', async () => {
    const r = await probeDns({ server: server.address, name: 'x.garbage.test', timeoutMs: 1000 });
    expect(r.kind).toBe('malformed');
    expect(r.message).toContain('not a valid DNS message');
  });

  it('waits past replies with a wrong id or too short for an id, then takes the real answer', async () => {
    const r = await probeDns({ server: server.address, name: 'x.wrongid.test' });
    expect(r).toMatchObject({ kind: 'answer', ignoredReplies: 1 });
    const s = await probeDns({ server: server.address, name: 'x.short.test' });
    expect(s).toMatchObject({ kind: 'answer', ignoredReplies: 1 });
    const only = await probeDns({ server: server.address, name: 'x.wrongid-only.test', timeoutMs: 300 });
    expect(only).toMatchObject({ kind: 'timeout', ignoredReplies: 1 });
    expect(only.message).toContain('stray datagram');
  });

  it('says whether the reply repeated the question: without it, or with another type, it is no answer to this query', async () => {
    expect((await probeDns({ server: server.address, name: 'host.test', type: 'AAAA' })).questionEchoed).toBe(true);
    expect((await probeDns({ server: server.address, name: 'unknown.example' })).questionEchoed).toBe(true);
    // A server of our own on loopback: SERVFAIL with no question section, then NOERROR repeating the name with another type.
    const odd = dgram.createSocket('udp4');
    let n = 0;
    odd.on('message', (m, r) => {
      const reply = Buffer.from(m.subarray(0, 12));
      reply[2] = 0x81;
      reply[3] = 0x80 | (n === 0 ? 2 : 0);
      reply.writeUInt16BE(n === 0 ? 0 : 1, 4);
      reply.fill(0, 6, 12);
      const qEnd = m.indexOf(0, 12) + 1;
      const q = Buffer.from(m.subarray(12, qEnd + 4));
      q.writeUInt16BE(16, qEnd - 12);
      odd.send(n++ === 0 ? reply : Buffer.concat([reply, q]), r.port, r.address);
    });
    await new Promise<void>((r) => odd.bind(0, '127.0.0.1', () => r()));
    const at = `127.0.0.1:${odd.address().port}`;
    expect(await probeDns({ server: at, name: 'host.test', type: 'A' })).toMatchObject({ kind: 'answer', rcode: 'SERVFAIL', questionEchoed: false });
    expect(await probeDns({ server: at, name: 'host.test', type: 'A' })).toMatchObject({ kind: 'answer', rcode: 'NOERROR', questionEchoed: false });
    await new Promise<void>((r) => odd.close(() => r()));
  });

  it('recognizes ICMP port unreachable on a port with nothing listening', async () => {
    const r = await probeDns({ server: `127.0.0.1:${await closedPort()}`, name: 'host.test', timeoutMs: 2000 });
    expect(r).toMatchObject({ kind: 'port-unreachable', errno: 'ECONNREFUSED' });
    expect(r.message).toContain('nothing listens');
  });

  it('works over IPv6 loopback', async (ctx) => {
    if (!server6) return ctx.skip();
    const r = await probeDns({ server: server6.address, name: 'host.test', type: 'AAAA' });
    expect(r).toMatchObject({ kind: 'answer', server: server6.address });
  });
});
