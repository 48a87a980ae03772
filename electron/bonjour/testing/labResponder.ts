/**
 * mDNS peers for lab tests, run in a namespace through jiti, that send exactly the records a test
 * chooses (responders such as avahi always add SRV, TXT and addresses, so they cannot stand in for
 * a responder that does not, or for the packets that got lost).
 *
 * `send SPEC` sends datagrams and exits, printing {"event":"sent"}: SPEC is JSON
 * `[{ "to": addr, "port": n, "fromPort": n, "family": "ipv4"|"ipv6", "iface"?: name, "answers": [...] }]`,
 * each a response whose answers are dns-packet records.
 *
 * `respond SPEC` is a responder on one interface (SPEC: `{ "iface", "ipv4", "ipv6", "records": [...],
 * "silent"?: ["name|TYPE", ...], "announce"?: [record index, ...] }`): it joins both groups, sends the
 * records listed in `announce` once, alone, and answers each question with exactly the records of
 * that name and type, nothing in the additional section, one packet per question, so that
 * the browser must ask for each; questions named in `silent` are never answered. Each query it hears
 * is printed as {"event":"query","payload":{ from, family, questions: [{name, type, qu}], known: [{name, type, ttl}] }}
 * with the time since start, ms, and each packet it sends as {"event":"answered","payload":{ family, records: [[name, type]] }}.
 *
 * `ask SPEC` is another querier (SPEC: `{ "ipv4", "everyMs", "questions": [{ "name", "type" }] }`):
 * from port 5353 it multicasts one query with those questions (QM, no known answers) every
 * `everyMs` until SIGTERM, printing {"event":"asked"} each time.
 *
 * `listen IFACE IPV4` prints each IPv4 mDNS response heard on the interface as
 * {"event":"heard","payload":{ from, records: [[name, type]] }}, to wait for another responder's
 * announcements to be over, and each query as {"event":"heard-query","payload":{ from, tc, questions: [[name, type]], known }}
 * (tc: the TC bit, known: how many known answers it carries).
 */
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';

const t0 = performance.now();
function print(event: string, payload: unknown): void {
  process.stdout.write(`${JSON.stringify({ t: Math.round(performance.now() - t0), event, payload })}\n`);
}

interface SendSpec {
  to: string;
  port: number;
  fromPort: number;
  family: 'ipv4' | 'ipv6';
  iface?: string;
  answers: dnsPacket.Answer[];
}

function bind(family: 'ipv4' | 'ipv6', port: number): Promise<Socket> {
  const s = createSocket({ type: family === 'ipv4' ? 'udp4' : 'udp6', reuseAddr: true, ipv6Only: family === 'ipv6' });
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind({ port, address: family === 'ipv4' ? '0.0.0.0' : '::' }, () => resolve(s));
  });
}

async function send(specs: SendSpec[]): Promise<void> {
  for (const spec of specs) {
    const s = await bind(spec.family, spec.fromPort);
    const packet = dnsPacket.encode({ type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: spec.answers });
    const to = spec.family === 'ipv6' && spec.iface ? `${spec.to}%${spec.iface}` : spec.to;
    if (spec.to.startsWith('224.') || spec.to.startsWith('ff02')) s.setMulticastTTL(255);
    else s.setTTL(255);
    await new Promise<void>((resolve, reject) => s.send(packet, spec.port, to, (e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  print('sent', specs.length);
}

interface RespondSpec {
  iface: string;
  ipv4: string;
  ipv6?: string;
  records: dnsPacket.Answer[];
  silent?: string[];
  announce?: number[];
}

function key(name: string, type: string): string {
  return `${name.toLowerCase()}|${type}`;
}

async function respond(spec: RespondSpec): Promise<void> {
  const silent = new Set((spec.silent ?? []).map((k) => key(k.slice(0, k.lastIndexOf('|')), k.slice(k.lastIndexOf('|') + 1))));
  const v4 = await bind('ipv4', 5353);
  v4.addMembership('224.0.0.251', spec.ipv4);
  v4.setMulticastInterface(spec.ipv4);
  v4.setMulticastTTL(255);
  v4.setMulticastLoopback(false);
  const v6 = await bind('ipv6', 5353);
  v6.addMembership('ff02::fb', `::%${spec.iface}`);
  v6.setMulticastInterface(`::%${spec.iface}`);
  v6.setMulticastTTL(255);
  v6.setMulticastLoopback(false);
  const group = (family: 'ipv4' | 'ipv6'): string => (family === 'ipv4' ? '224.0.0.251' : `ff02::fb%${spec.iface}`);
  const reply = (s: Socket, family: 'ipv4' | 'ipv6', answers: dnsPacket.Answer[]): void => {
    s.send(dnsPacket.encode({ type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers }), 5353, group(family));
    print('answered', { family, records: answers.map((a) => [a.name, a.type]) });
  };
  for (const [s, family] of [
    [v4, 'ipv4'],
    [v6, 'ipv6'],
  ] as const) {
    s.on('message', (msg, rinfo) => {
      let p: dnsPacket.Packet;
      try {
        p = dnsPacket.decode(msg);
      } catch {
        return;
      }
      if (p.type !== 'query') return;
      // dns-packet folds the QU bit into the class; it is read from the wire.
      const quBits = readQuBits(msg);
      const questions = (p.questions ?? []).map((q, i) => ({ name: q.name, type: q.type, qu: quBits[i] ?? false }));
      const known = (p.answers ?? []).map((raw) => {
        const a = raw as { name: string; type: string; ttl?: number; data?: unknown };
        return { name: a.name, type: a.type, ttl: a.ttl ?? 0, data: typeof a.data === 'string' ? a.data : null };
      });
      print('query', { from: rinfo.address, family, questions, known });
      for (const q of p.questions ?? []) {
        if (silent.has(key(q.name, q.type))) continue;
        // Known-answer suppression (RFC 6762 §7.1), by name, type and (for PTR) target.
        const suppressed = (r: dnsPacket.Answer): boolean => known.some((k) => key(k.name, k.type) === key(r.name, r.type) && (r.type !== 'PTR' || k.data?.toLowerCase() === String((r as { data: unknown }).data).toLowerCase()));
        const answers = spec.records.filter((r) => key(r.name, r.type) === key(q.name, q.type) && !suppressed(r));
        if (answers.length > 0) reply(s, family, answers);
      }
    });
  }
  for (const i of spec.announce ?? []) {
    const r = spec.records[i];
    if (r) {
      reply(v4, 'ipv4', [r]);
      reply(v6, 'ipv6', [r]);
    }
  }
  print('ready', null);
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  v4.close();
  v6.close();
}

/** The QU bit (top bit of each question's class) as sent, question by question. */
function readQuBits(b: Buffer): boolean[] {
  const out: boolean[] = [];
  let o = 12;
  const qd = b.readUInt16BE(4);
  for (let i = 0; i < qd && o < b.length; i++) {
    while (o < b.length && b[o] !== 0) {
      if ((b[o]! & 0xc0) === 0xc0) {
        o += 1;
        break;
      }
      o += b[o]! + 1;
    }
    o += 1;
    out.push(o + 2 < b.length && (b[o + 2]! & 0x80) !== 0);
    o += 4;
  }
  return out;
}

async function listen(iface: string, ipv4: string): Promise<void> {
  void iface;
  const s = await bind('ipv4', 5353);
  s.addMembership('224.0.0.251', ipv4);
  s.on('message', (msg, rinfo) => {
    try {
      const p = dnsPacket.decode(msg);
      if (p.type === 'response') print('heard', { from: rinfo.address, records: [...(p.answers ?? []), ...(p.additionals ?? [])].map((a) => [a.name, a.type]) });
      else print('heard-query', { from: rinfo.address, tc: (msg.readUInt16BE(2) & 0x0200) !== 0, questions: (p.questions ?? []).map((q) => [q.name, q.type]), known: p.answers?.length ?? 0 });
    } catch {
      /* not ours to judge */
    }
  });
  print('ready', null);
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  s.close();
}

interface AskSpec {
  ipv4: string;
  everyMs: number;
  questions: Array<{ name: string; type: dnsPacket.RecordType }>;
}

async function ask(spec: AskSpec): Promise<void> {
  const s = await bind('ipv4', 5353);
  s.setMulticastInterface(spec.ipv4);
  s.setMulticastTTL(255);
  const packet = dnsPacket.encode({ type: 'query', id: 0, flags: 0, questions: spec.questions.map((q) => ({ name: q.name, type: q.type, class: 'IN' as const })) });
  const timer = setInterval(() => s.send(packet, 5353, '224.0.0.251', () => print('asked', null)), spec.everyMs);
  print('ready', null);
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  clearInterval(timer);
  s.close();
}

async function main(argv: string[]): Promise<void> {
  const [mode, spec, extra] = argv;
  if (mode === 'ask') return ask(JSON.parse(spec!) as AskSpec);
  if (mode === 'listen') return listen(spec!, extra!);
  if (mode === 'send') return send(JSON.parse(spec!) as SendSpec[]);
  if (mode === 'respond') return respond(JSON.parse(spec!) as RespondSpec);
  throw new Error(`unknown mode ${mode}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`labResponder: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
