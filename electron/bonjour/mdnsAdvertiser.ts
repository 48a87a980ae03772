/**
 * Publishes one test service over mDNS on every multicast interface: probes for its names,
 * renames on a conflict, announces, answers queries (multicast, or unicast to legacy resolvers
 * such as dig), and withdraws it with goodbye packets (RFC 6762 §8, §6, §6.7, §10.1).
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import dnsPacket from 'dns-packet';
import type { NetInterface } from '../../shared/network/types';
import { GapscopeError } from '../../shared/errors';
import {
  PROBE_INTERVAL_MS,
  ANNOUNCE_INTERVAL_MS,
  answersFor,
  checkService,
  conflicts,
  goodbyeRecords,
  instanceName,
  legacyAnswer,
  nextHost,
  nextName,
  probeTieBreak,
  publishSchedule,
  serviceRecords,
  type AdvertisedService,
  type OutRecord,
  type ProbeRecord,
} from '../../shared/mdns/advertisement';
import { lowerName } from '../../shared/mdns/serviceCache';
import { listInterfaces } from '../network/interfaces';
import { decodeMdnsPacket } from './mdnsBrowser';
import { MDNS_PORT, arrivalInterface, mdnsGroup, mdnsInterfaces, openMdnsSocket } from './mdnsSocket';

/** Where to publish. */
export interface MdnsAdvertiserOptions {
  iface?: string;
  families?: Array<'ipv4' | 'ipv6'>;
  listInterfaces?: () => NetInterface[];
  /** Renames allowed before giving up (§8.1 asks to slow down after 15 conflicts in 10 s). */
  maxRenames?: number;
}

/** Events: 'renamed' after a conflict, 'deferred' after losing a simultaneous-probe tie-break, 'published' once announced, 'warning' with a sentence. */
export interface MdnsAdvertiserEvents {
  renamed: [{ from: string; to: string; what: 'name' | 'host' }];
  deferred: [{ name: string }];
  published: [AdvertisedService];
  warning: [string];
}

interface AdvertisingSocket {
  socket: Socket;
  iface: NetInterface;
  family: 'ipv4' | 'ipv6';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toAnswer(r: OutRecord): dnsPacket.Answer {
  return { name: r.name, type: r.type, ttl: r.ttl, class: 'IN', flush: r.flush, data: r.data } as dnsPacket.Answer;
}

// dns-packet encodes one record without compression, but its types do not declare it.
const answerCodec = (dnsPacket as unknown as { answer: { encode(a: dnsPacket.Answer): Buffer } }).answer;
const TYPE_CODES: Record<string, number> = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33 };

/** A record in the wire form the tie-break compares (class IN = 1; the cache-flush bit is not part of it); null for a type we never probe. */
export function probeRecord(r: { name?: unknown; type?: unknown; data?: unknown }): ProbeRecord | null {
  if (typeof r.name !== 'string' || typeof r.type !== 'string') return null;
  const type = TYPE_CODES[r.type];
  if (type === undefined) return null;
  try {
    const wire = answerCodec.encode({ name: r.name, type: r.type, ttl: 0, class: 'IN', data: r.data } as dnsPacket.Answer);
    const nameLength = wire.indexOf(0) + 1;
    return { cls: 1, type, rdata: Uint8Array.from(wire.subarray(nameLength + 10)) };
  } catch {
    return null;
  }
}

/** Legacy queries answered recently, so that one arriving on two sockets is answered once. */
const LEGACY_DEDUPE_MS = 1000;

/** A test service on the air: probe, announce, answer, and say goodbye when stopped. */
export class MdnsAdvertiser extends EventEmitter<MdnsAdvertiserEvents> {
  private service: AdvertisedService;
  private readonly opts: MdnsAdvertiserOptions;
  private readonly sockets: AdvertisingSocket[] = [];
  private state: 'idle' | 'probing' | 'published' | 'stopped' = 'idle';
  private conflict: 'name' | 'host' | null = null;
  /** Another host probed for one of our names with data that sorts later (§8.2). */
  private lostTieBreak = false;
  private allInterfaces: NetInterface[] = [];
  private readonly answeredLegacy = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(service: AdvertisedService, opts: MdnsAdvertiserOptions = {}) {
    super();
    const problem = checkService(service);
    if (problem) throw new GapscopeError('invalid-argument', problem);
    this.service = { ...service, txt: [...service.txt] };
    this.opts = opts;
  }

  /** The service as published (its name may have changed after a conflict). */
  current(): AdvertisedService {
    return { ...this.service, txt: [...this.service.txt] };
  }

  /** Opens the sockets, probes (renaming on conflicts) and announces; resolves with the name that won. */
  async start(): Promise<AdvertisedService> {
    this.allInterfaces = (this.opts.listInterfaces ?? listInterfaces)();
    const ifaces = mdnsInterfaces(this.allInterfaces, this.opts.iface);
    for (const iface of ifaces) {
      for (const family of this.opts.families ?? ['ipv4', 'ipv6']) {
        if (!iface.addresses.some((a) => a.family === family)) continue;
        try {
          const socket = await openMdnsSocket(iface, family);
          const entry = { socket, iface, family } as const;
          socket.on('message', (msg, rinfo) => this.onMessage(entry, msg, rinfo));
          socket.on('error', (e) => this.emit('warning', `mDNS socket on ${iface.name} (${family}): ${e.message}`));
          this.sockets.push(entry);
        } catch (e) {
          this.emit('warning', `mDNS on ${iface.name} (${family}) is unavailable: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    if (this.sockets.length === 0) throw new GapscopeError('socket-error', 'No interface to advertise on.');
    const maxRenames = this.opts.maxRenames ?? 10;
    for (let renames = 0, deferrals = 0; ; ) {
      this.state = 'probing';
      this.conflict = null;
      this.lostTieBreak = false;
      const schedule = publishSchedule(Math.random());
      await sleep(schedule.probes[0]!);
      for (let k = 0; k < schedule.probes.length && !this.conflict && !this.lostTieBreak; k++) {
        await this.sendProbe();
        await sleep(PROBE_INTERVAL_MS);
      }
      if ((this.state as string) === 'stopped') throw new GapscopeError('socket-error', `Withdrawn while probing for ${instanceName(this.service)}.`);
      if (this.lostTieBreak && !this.conflict) {
        // §8.2: the host whose records sort earlier waits a second and probes again; by then the
        // winner answers our probe, which is a conflict and a rename below.
        if (++deferrals > 15) throw new GapscopeError('socket-error', `Gave up after 15 simultaneous probes for ${instanceName(this.service)}.`);
        this.emit('deferred', { name: this.service.name });
        await sleep(1000);
        continue;
      }
      if (!this.conflict) break;
      if (++renames > maxRenames) throw new GapscopeError('socket-error', `Gave up after ${maxRenames} name conflicts for ${instanceName(this.service)}.`);
      const from = this.conflict === 'name' ? this.service.name : this.service.host;
      if (this.conflict === 'name') this.service.name = nextName(this.service.name);
      else this.service.host = nextHost(this.service.host);
      this.emit('renamed', { from, to: this.conflict === 'name' ? this.service.name : this.service.host, what: this.conflict });
    }
    this.state = 'published';
    await this.announce();
    this.emit('published', this.current());
    // The second announcement a second later (§8.3), without holding up the caller.
    this.later(() => void (this.state === 'published' ? this.announce() : undefined), ANNOUNCE_INTERVAL_MS);
    return this.current();
  }

  /** Withdraws the service with goodbye packets (TTL 0) on every interface and closes the sockets. */
  async stop(): Promise<void> {
    const wasPublished = this.state === 'published';
    this.state = 'stopped';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (wasPublished) {
      await Promise.all(this.sockets.map((s) => this.send(s, { type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: goodbyeRecords(this.records(s)).map(toAnswer) }, MDNS_PORT, mdnsGroup(s.family, s.iface.name))));
    }
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.socket.close(() => resolve()))));
    this.sockets.length = 0;
  }

  private records(s: AdvertisingSocket): OutRecord[] {
    return serviceRecords(this.service, s.iface.addresses.map((a) => a.address.split('%')[0]!));
  }

  private send(s: AdvertisingSocket, packet: dnsPacket.Packet, port: number, address: string): Promise<void> {
    return new Promise((resolve) => {
      try {
        s.socket.send(dnsPacket.encode(packet), port, address, (e) => {
          if (e) this.emit('warning', `mDNS send on ${s.iface.name} (${s.family}) failed: ${e.message}`);
          resolve();
        });
      } catch (e) {
        this.emit('warning', `mDNS send on ${s.iface.name} (${s.family}) failed: ${e instanceof Error ? e.message : String(e)}`);
        resolve();
      }
    });
  }

  private async sendProbe(): Promise<void> {
    await Promise.all(
      this.sockets.map((s) => {
        const unique = this.records(s).filter((r) => r.flush);
        const packet: dnsPacket.Packet = {
          type: 'query',
          id: 0,
          flags: 0,
          questions: [
            { name: instanceName(this.service), type: 'ANY' as dnsPacket.RecordType, class: 'IN' },
            { name: this.service.host, type: 'ANY' as dnsPacket.RecordType, class: 'IN' },
          ],
          authorities: unique.map(toAnswer),
        };
        return this.send(s, packet, MDNS_PORT, mdnsGroup(s.family, s.iface.name));
      }),
    );
  }

  private async announce(): Promise<void> {
    await Promise.all(this.sockets.map((s) => this.send(s, { type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: this.records(s).map(toAnswer) }, MDNS_PORT, mdnsGroup(s.family, s.iface.name))));
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /**
   * A query that reached another mDNS socket of this process: a unicast query to port 5353
   * (RFC 6762 §5.5, `dig -p 5353 @host`) is handed to one socket only, which may be the browser's.
   * Answered here when it is for us (a repeat of one already answered is ignored).
   */
  answerQuery(p: dnsPacket.Packet, rinfo: { address: string; port: number; family: 'ipv4' | 'ipv6' }, iface: string | null): void {
    if (this.state !== 'published' || p.type !== 'query') return;
    const s = this.sockets.find((x) => x.family === rinfo.family && (iface === null || x.iface.name === iface)) ?? this.sockets.find((x) => x.family === rinfo.family);
    if (s) this.onQuery(s, p, rinfo);
  }

  private onMessage(s: AdvertisingSocket, msg: Buffer, rinfo: RemoteInfo): void {
    if (this.state === 'idle' || this.state === 'stopped') return;
    // Every socket of a family gets every multicast packet (IP_MULTICAST_ALL): the one of the
    // interface it arrived on takes it, or the first one when the source does not say.
    const arrived = arrivalInterface(this.allInterfaces, s.family, rinfo.address);
    if (arrived !== null ? arrived !== s.iface.name : this.sockets.find((x) => x.family === s.family) !== s) return;
    const decoded = decodeMdnsPacket(msg);
    if ('problem' in decoded) return;
    const p = decoded.packet;
    const ours = this.records(s);
    if (p.type === 'response') {
      // Another host's answer for one of our unique names with different data: a conflict while
      // probing means a new name (§9). (Our own announcements carry the same data and pass.)
      if (this.state !== 'probing') return;
      for (const r of [...(p.answers ?? []), ...(p.additionals ?? [])]) {
        const c = conflicts(this.service, ours, r as { name?: unknown; type?: unknown; data?: unknown });
        if (c) this.conflict = c;
      }
      return;
    }
    if (this.state === 'probing') {
      this.tieBreak(ours, p);
      return;
    }
    this.onQuery(s, p, { address: rinfo.address, port: rinfo.port, family: s.family });
  }

  /** Another host probing for one of our names at the same time (§8.2): whose records sort later wins. */
  private tieBreak(ours: OutRecord[], p: dnsPacket.Packet): void {
    const theirs = (p.authorities ?? []) as Array<{ name?: unknown; type?: unknown; data?: unknown }>;
    if (theirs.length === 0) return;
    for (const name of [instanceName(this.service), this.service.host]) {
      const owner = lowerName(name);
      const their = theirs.filter((r) => typeof r.name === 'string' && lowerName(r.name) === owner).map(probeRecord).filter((r): r is ProbeRecord => r !== null);
      if (their.length === 0) continue;
      const mine = ours.filter((r) => r.flush && lowerName(r.name) === owner).map((r) => probeRecord(toAnswer(r))).filter((r): r is ProbeRecord => r !== null);
      if (probeTieBreak(mine, their) < 0) this.lostTieBreak = true;
    }
  }

  private onQuery(s: AdvertisingSocket, p: dnsPacket.Packet, rinfo: { address: string; port: number; family: 'ipv4' | 'ipv6' }): void {
    if (this.state !== 'published') return;
    const ours = this.records(s);
    const questions = (p.questions ?? []).map((q) => ({ name: q.name, type: q.type }));
    const { answers, additionals } = answersFor(questions, (p.answers ?? []) as Array<{ name?: unknown; type?: unknown; ttl?: unknown; data?: unknown }>, ours);
    if (answers.length === 0) return;
    if (rinfo.port !== MDNS_PORT) {
      // A legacy resolver (dig, nslookup) asked from its own port: answer it directly, echoing
      // its id and question, with short TTLs and no cache-flush bit (§6.7); once, although a
      // multicast query reaches every socket.
      const key = `${rinfo.address}|${rinfo.port}|${p.id ?? 0}|${JSON.stringify(questions)}`;
      const now = Date.now();
      for (const [k, at] of this.answeredLegacy) if (now - at > LEGACY_DEDUPE_MS) this.answeredLegacy.delete(k);
      if (this.answeredLegacy.has(key) || this.answeredLegacy.size > 1000) return;
      this.answeredLegacy.set(key, now);
      const questionsEcho = (p.questions ?? []).map((q) => ({ name: q.name, type: q.type, class: 'IN' as const }));
      void this.send(s, { type: 'response', id: p.id ?? 0, flags: dnsPacket.AUTHORITATIVE_ANSWER | ((p.flags ?? 0) & dnsPacket.RECURSION_DESIRED), questions: questionsEcho, answers: legacyAnswer(answers).map(toAnswer), additionals: legacyAnswer(additionals).map(toAnswer) }, rinfo.port, rinfo.address);
      return;
    }
    const respond = (): void => void this.send(s, { type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: answers.map(toAnswer), additionals: additionals.map(toAnswer) }, MDNS_PORT, mdnsGroup(s.family, s.iface.name));
    // Shared records are answered after 20–120 ms so that responders of one type do not collide (§6).
    if (answers.some((a) => !a.flush)) this.later(respond, 20 + Math.floor(Math.random() * 100));
    else respond();
  }
}
