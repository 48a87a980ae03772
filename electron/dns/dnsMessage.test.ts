import { randomBytes } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { GapscopeError } from '../../shared/errors';
import { encodeQuery, parseQueryType, readReply } from './dnsMessage';

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GapscopeError);
    expect((e as GapscopeError).code).toBe('invalid-argument');
    return (e as Error).message;
  }
  throw new Error('expected an invalid-argument error');
}

describe('parseQueryType', () => {
  it('knows the common types, HTTPS and TYPEn, case-insensitively', () => {
    expect(parseQueryType('a')).toEqual({ name: 'A', code: 1 });
    expect(parseQueryType('AAAA')).toEqual({ name: 'AAAA', code: 28 });
    expect(parseQueryType('https')).toEqual({ name: 'HTTPS', code: 65 });
    expect(parseQueryType('SOA')).toEqual({ name: 'SOA', code: 6 });
    expect(parseQueryType('SRV')).toEqual({ name: 'SRV', code: 33 });
    expect(parseQueryType('ANY')).toEqual({ name: 'ANY', code: 255 });
    expect(parseQueryType('TYPE99')).toEqual({ name: 'TYPE99', code: 99 });
  });

  it('refuses unknown types, OPT and out-of-range numbers', () => {
    expect(invalid(() => parseQueryType('AXXX'))).toContain('use one of A, AAAA, HTTPS');
    expect(invalid(() => parseQueryType('TYPE41'))).toBeTruthy();
    expect(invalid(() => parseQueryType('TYPE70000'))).toBeTruthy();
  });

  it('puts the type number on the wire, HTTPS included', () => {
    for (const [t, code] of [['HTTPS', 65], ['PTR', 12], ['TYPE99', 99], ['CNAME', 5]] as const) {
      const buf = encodeQuery(1, { name: 'example.com', type: parseQueryType(t), edns: false });
      expect(buf.readUInt16BE(buf.length - 4)).toBe(code);
    }
  });
});

describe('readReply', () => {
  const query = (id: number): Buffer => encodeQuery(id, { name: 'host.test', type: parseQueryType('A') });
  const reply = (id: number, extra: Partial<dnsPacket.Packet> = {}): Buffer =>
    dnsPacket.encode({ type: 'response', id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHORITATIVE_ANSWER, questions: [{ name: 'host.test', type: 'A' }], answers: [{ name: 'host.test', type: 'A', ttl: 5, data: '10.1.2.3' }], ...extra });

  it('summarizes a reply', () => {
    const v = readReply(reply(7), 7, 'host.test');
    expect(v.kind).toBe('reply');
    if (v.kind !== 'reply') return;
    expect(v.reply.rcode).toBe('NOERROR');
    expect(v.reply.flags).toEqual({ aa: true, tc: false, rd: true, ra: false, ad: false, cd: false });
    expect(v.reply.answers).toEqual([{ name: 'host.test', type: 'A', ttl: 5, data: '10.1.2.3' }]);
  });

  it('ignores other ids, other names, queries and datagrams too short for an id', () => {
    expect(readReply(reply(8), 7, 'host.test').kind).toBe('other');
    expect(readReply(reply(7), 7, 'other.test').kind).toBe('other');
    expect(readReply(query(7), 7, 'host.test').kind).toBe('other');
    expect(readReply(Buffer.from([1]), 7).kind).toBe('other');
  });

  it('calls a reply with our id that cannot be decoded malformed: truncated, compression loops, bad labels', () => {
    const full = reply(7);
    expect(readReply(full.subarray(0, 8), 7).kind).toBe('malformed');
    expect(readReply(full.subarray(0, full.length - 3), 7).kind).toBe('malformed');
    const loop = Buffer.from([0, 7, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1]);
    expect(readReply(loop, 7)).toMatchObject({ kind: 'malformed', why: expect.stringContaining('pointer') });
    const badLabel = Buffer.from([0, 7, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 1, 0, 1]);
    expect(readReply(badLabel, 7).kind).toBe('malformed');
  });

  it('never throws: random bytes, cut and mutated replies (fuzz)', () => {
    const base = [reply(7), reply(7, { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [{ code: 10, data: Buffer.alloc(8) }] } as unknown as dnsPacket.OptAnswer] }),
      dnsPacket.encode({ type: 'response', id: 7, questions: [{ name: 'x.test', type: 'TXT' }], answers: [{ name: 'x.test', type: 'TXT', data: ['a', 'b'] }, { name: 'x.test', type: 'MX', data: { preference: 1, exchange: 'm.x.test' } }, { name: 'x.test', type: 'SOA', data: { mname: 'a', rname: 'b' } }, { name: 'x.test', type: 'SRV', data: { port: 1, target: 't' } }] })];
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const kinds = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      let buf: Buffer;
      const mode = i % 3;
      if (mode === 0) {
        buf = randomBytes(rnd(600));
        if (buf.length >= 2) buf.writeUInt16BE(7, 0);
      } else {
        const src = base[rnd(base.length)]!;
        buf = Buffer.from(mode === 1 ? src.subarray(0, rnd(src.length + 1)) : src);
        if (mode === 2) for (let k = 0; k < 1 + rnd(4); k++) buf[rnd(buf.length)] = rnd(256);
      }
      const v = readReply(buf, 7, rnd(2) ? 'host.test' : undefined);
      kinds.add(v.kind);
      expect(['reply', 'other', 'malformed']).toContain(v.kind);
      if (v.kind === 'reply') JSON.stringify(v.reply);
    }
    expect(kinds).toEqual(new Set(['reply', 'other', 'malformed']));
  }, 60_000); // no timing is under test: a run on a machine at load 20 took over the default 5 s
});
