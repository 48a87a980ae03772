/**
 * A small DNS server for tests, on loopback only (UDP and TCP on one port), built with dns-packet.
 * What it does depends on the name asked, so one server covers every case:
 *   *.silent.test        never replies
 *   *.garbage.test       replies with the query's id followed by bytes that are no DNS message
 *   *.wrongid.test       first a reply with another id, then the real answer
 *   *.wrongid-only.test  only replies with another id
 *   *.truncated.test     UDP: an empty reply with TC set; TCP: the full answer
 *   *.short.test         a 1-byte datagram, then the answer
 *   anything in `records` answers from there (NOERROR, or NOERROR/no data for other types)
 *   other names          REFUSED (like dnsmasq without upstream)
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';

/** Records the test server knows: name → type → data (A/AAAA/TXT/CNAME… as dns-packet takes them). */
export type TestRecords = Record<string, Partial<Record<string, unknown[]>>>;

/** A running test server. */
export interface TestDnsServer {
  host: string;
  port: number;
  /** "127.0.0.1:PORT" for --server. */
  address: string;
  /** Queries received, by name, in order. */
  queries: { name: string; type: string; transport: 'udp' | 'tcp'; id: number; sourcePort: number }[];
  close(): Promise<void>;
}

const DEFAULT_RECORDS: TestRecords = {
  'host.test': { A: ['10.1.2.3'], AAAA: ['fd00::3'], TXT: [['hello', 'world']], MX: [{ preference: 10, exchange: 'mail.host.test' }] },
};

function answersFor(records: TestRecords, name: string, type: string): dnsPacket.Answer[] {
  const base = name.toLowerCase().replace(/^[^.]+\.(silent|garbage|wrongid|wrongid-only|truncated|short)\.test$/, 'host.test');
  const byType = records[base];
  if (!byType) return [];
  const types = type === 'ANY' ? Object.keys(byType) : [type];
  const out: dnsPacket.Answer[] = [];
  for (const t of types) for (const data of byType[t] ?? []) out.push({ name, type: t, ttl: 60, class: 'IN', data } as dnsPacket.Answer);
  return out;
}

function known(records: TestRecords, name: string): boolean {
  const n = name.toLowerCase();
  return records[n] !== undefined || /\.(silent|garbage|wrongid|wrongid-only|truncated|short)\.test$/.test(n);
}

function respond(records: TestRecords, q: dnsPacket.DecodedPacket, opts: { truncate?: boolean; padTo?: number }): Buffer {
  const question = q.questions?.[0];
  const name = question?.name ?? '.';
  const type = String(question?.type ?? 'A');
  const isKnown = known(records, name);
  let flags = dnsPacket.AUTHORITATIVE_ANSWER | (q.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  if (!isKnown) flags |= 5; // REFUSED
  if (opts.truncate) flags |= dnsPacket.TRUNCATED_RESPONSE;
  const answers = isKnown && !opts.truncate ? answersFor(records, name, type) : [];
  const reqOpt = (q.additionals ?? []).find((a) => a.type === 'OPT');
  const packet: dnsPacket.Packet = {
    type: 'response',
    id: q.id,
    flags,
    questions: q.questions,
    answers,
    additionals: reqOpt ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as dnsPacket.OptAnswer] : [],
  };
  return dnsPacket.encode(packet);
}

/** Starts the server on 127.0.0.1 (or ::1) on a free port, UDP and TCP alike. */
export async function startTestDnsServer(options: { host?: '127.0.0.1' | '::1'; records?: TestRecords } = {}): Promise<TestDnsServer> {
  const host = options.host ?? '127.0.0.1';
  const records = { ...DEFAULT_RECORDS, ...(options.records ?? {}) };
  const queries: TestDnsServer['queries'] = [];
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket(host === '::1' ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve());
    });
    const port = udp.address().port;
    const tcp = net.createServer();
    const sockets = new Set<net.Socket>();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, host, () => resolve());
      });
    } catch (e) {
      udp.close();
      if (attempt < 5) continue;
      throw e;
    }
    udp.on('message', (msg, rinfo) => {
      let q: dnsPacket.DecodedPacket;
      try {
        q = dnsPacket.decode(msg);
      } catch {
        return;
      }
      const name = (q.questions?.[0]?.name ?? '').toLowerCase();
      queries.push({ name, type: String(q.questions?.[0]?.type), transport: 'udp', id: q.id ?? 0, sourcePort: rinfo.port });
      const send = (b: Buffer): void => udp.send(b, rinfo.port, rinfo.address);
      if (name.endsWith('.silent.test')) return;
      if (name.endsWith('.garbage.test')) {
        const junk = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c, 0xc0, 0x0c, 0xff, 0xff]);
        junk.writeUInt16BE(q.id ?? 0, 0);
        return send(junk);
      }
      if (name.endsWith('.wrongid-only.test') || name.endsWith('.wrongid.test')) {
        send(respond(records, { ...q, id: ((q.id ?? 0) + 1) & 0xffff }, {}));
        if (name.endsWith('.wrongid-only.test')) return;
      }
      if (name.endsWith('.short.test')) send(Buffer.from([7]));
      send(respond(records, q, { truncate: name.endsWith('.truncated.test') }));
    });
    tcp.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => undefined);
      let buf = Buffer.alloc(0);
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + msg.length);
          let q: dnsPacket.DecodedPacket;
          try {
            q = dnsPacket.decode(msg);
          } catch {
            sock.destroy();
            return;
          }
          const name = (q.questions?.[0]?.name ?? '').toLowerCase();
          queries.push({ name, type: String(q.questions?.[0]?.type), transport: 'tcp', id: q.id ?? 0, sourcePort: sock.remotePort ?? 0 });
          const reply = respond(records, q, {});
          const framed = Buffer.alloc(reply.length + 2);
          framed.writeUInt16BE(reply.length, 0);
          reply.copy(framed, 2);
          sock.write(framed);
        }
      });
    });
    return {
      host,
      port,
      address: host === '::1' ? `[::1]:${port}` : `${host}:${port}`,
      queries,
      close: async () => {
        for (const s of sockets) s.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
}
