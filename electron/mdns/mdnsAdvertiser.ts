/**
 * Publishes one test service over mDNS on every multicast interface: probes for its names,
 * renames on a conflict, announces, answers queries (multicast, or unicast to legacy resolvers
 * such as dig), and withdraws it with goodbye packets (RFC 6762 §8, §6, §6.7, §10.1).
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import dnsPacket from 'dns-packet';
import type { InterfaceInfo } from '../../shared/contract';
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
  publishSchedule,
  serviceRecords,
  type AdvertisedService,
  type OutRecord,
} from '../../shared/mdns/advertisement';
import { listInterfaces } from '../net/interfaces';
import { decodeMdnsPacket } from './mdnsBrowser';
import { MDNS_PORT, mdnsGroup, mdnsInterfaces, openMdnsSocket } from './mdnsSocket';

/** Where to publish. */
export interface MdnsAdvertiserOptions {
  iface?: string;
  families?: Array<'ipv4' | 'ipv6'>;
  listInterfaces?: () => InterfaceInfo[];
  /** Renames allowed before giving up (§8.1 asks to slow down after 15 conflicts in 10 s). */
  maxRenames?: number;
}

/** Events: 'renamed' after a conflict, 'published' once announced, 'warning' with a sentence. */
export interface MdnsAdvertiserEvents {
  renamed: [{ from: string; to: string; what: 'name' | 'host' }];
  published: [AdvertisedService];
  warning: [string];
}

interface AdvertisingSocket {
  socket: Socket;
  iface: InterfaceInfo;
  family: 'ipv4' | 'ipv6';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toAnswer(r: OutRecord): dnsPacket.Answer {
  return { name: r.name, type: r.type, ttl: r.ttl, class: 'IN', flush: r.flush, data: r.data } as dnsPacket.Answer;
}

/** A test service on the air: probe, announce, answer, and say goodbye when stopped. */
export class MdnsAdvertiser extends EventEmitter<MdnsAdvertiserEvents> {
  private service: AdvertisedService;
  private readonly opts: MdnsAdvertiserOptions;
  private readonly sockets: AdvertisingSocket[] = [];
  private state: 'idle' | 'probing' | 'published' | 'stopped' = 'idle';
  private conflict: 'name' | 'host' | null = null;

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
    const ifaces = mdnsInterfaces((this.opts.listInterfaces ?? listInterfaces)(), this.opts.iface);
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
    for (let renames = 0; ; ) {
      this.state = 'probing';
      this.conflict = null;
      const schedule = publishSchedule(Math.random());
      await sleep(schedule.probes[0]!);
      for (let k = 0; k < schedule.probes.length && !this.conflict; k++) {
        await this.sendProbe();
        await sleep(PROBE_INTERVAL_MS);
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
    setTimeout(() => void (this.state === 'published' ? this.announce() : undefined), ANNOUNCE_INTERVAL_MS);
    return this.current();
  }

  /** Withdraws the service with goodbye packets (TTL 0) on every interface and closes the sockets. */
  async stop(): Promise<void> {
    const wasPublished = this.state === 'published';
    this.state = 'stopped';
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

  private onMessage(s: AdvertisingSocket, msg: Buffer, rinfo: RemoteInfo): void {
    if (this.state === 'idle' || this.state === 'stopped') return;
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
    if (this.state !== 'published') return;
    const questions = (p.questions ?? []).map((q) => ({ name: q.name, type: q.type }));
    const { answers, additionals } = answersFor(questions, (p.answers ?? []) as Array<{ name?: unknown; type?: unknown; ttl?: unknown; data?: unknown }>, ours);
    if (answers.length === 0) return;
    if (rinfo.port !== MDNS_PORT) {
      // A legacy resolver (dig, nslookup) asked from its own port: answer it directly, echoing
      // its id and question, with short TTLs and no cache-flush bit (§6.7).
      void this.send(s, { type: 'response', id: p.id ?? 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: p.questions ?? [], answers: legacyAnswer(answers).map(toAnswer), additionals: legacyAnswer(additionals).map(toAnswer) }, rinfo.port, rinfo.address);
      return;
    }
    const respond = (): void => void this.send(s, { type: 'response', id: 0, flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: answers.map(toAnswer), additionals: additionals.map(toAnswer) }, MDNS_PORT, mdnsGroup(s.family, s.iface.name));
    // Shared records are answered after 20–120 ms so that responders of one type do not collide (§6).
    if (answers.some((a) => !a.flush)) setTimeout(respond, 20 + Math.floor(Math.random() * 100));
    else respond();
  }
}
