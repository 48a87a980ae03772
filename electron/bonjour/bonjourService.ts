/**
 * Bonjour: the back-end service behind the contract's Bonjour requests. One browser (every
 * interface, live), one cache that outlives a stop, the raw packets behind each instance, test
 * services advertised from the app, and the UI path rate-limited: changes go out in batches of at
 * most one per FLUSH_MS, and services coming and going are posted to the shared timeline.
 */
import { hostname } from 'node:os';
import type { NetInterface } from '../../shared/network/types';
import type { AdvertiseRequest, BrowseRequest } from '../../shared/contract/bonjour';
import type { bonjourRequests } from '../../shared/contract/bonjour';
import { GapscopeError } from '../../shared/errors';
import type { AdvertisedServiceInfo, BonjourSnapshot, BonjourStatus, CachedRecordView, DecodedRecordView, RawPacketView, ServiceDetails } from '../../shared/mdns/bonjourTypes';
import { ChangeBatcher } from '../../shared/mdns/changeBatcher';
import { PacketLog } from '../../shared/mdns/packetLog';
import { ServiceCache, lowerName, type ServiceCacheLimits, type RData, type ServiceChange, type ServiceType } from '../../shared/mdns/serviceCache';
import { decodeTxt, type TxtEntry } from '../../shared/mdns/txt';
import type { TimelineEventInput } from '../../shared/timeline';
import type { FeatureService, ServiceContext } from '../kernel/services';
import { listInterfaces as osInterfaces } from '../network/interfaces';
import { MdnsAdvertiser } from './mdnsAdvertiser';
import { MdnsBrowser, decodeMdnsPacket, type ReceivedMdnsPacket } from './mdnsBrowser';
import { MDNS_PORT, mdnsInterfaces } from './mdnsSocket';

/** How often batched changes go to the UI: at most ten batches a second. */
export const FLUSH_MS = 100;
/** Changes in one batch posted to the timeline one by one; more become one summary per kind. */
export const TIMELINE_EACH_UP_TO = 10;
const MAX_WARNINGS = 5;

/** Test seams and tuning. */
export interface BonjourServiceOptions {
  listInterfaces?: () => NetInterface[];
  interfacePollMs?: number;
  /** Host name our advertisements point to (default gapscope-<this machine>.local). */
  hostName?: string;
  /** The cache's caps (default DEFAULT_LIMITS); lab tests lower the per-source rate. */
  cacheLimits?: Partial<ServiceCacheLimits>;
}

type BonjourRequest = keyof typeof bonjourRequests;

/** One mDNS datagram as received (wall-clock ms), for session captures. */
export interface MdnsDatagram {
  at: number;
  iface: string;
  family: 'ipv4' | 'ipv6';
  source: string;
  port: number;
  data: Buffer;
}

/** "_http._tcp.local" → "_http._tcp", as people write it. */
function shortType(type: string): string {
  return type.replace(/\.local\.?$/i, '');
}

function txtText(entries: TxtEntry[]): string {
  return entries.map((e) => (e.value === null ? e.key : `${e.key}=${e.binary ? `0x${e.value}` : e.value}`)).join(' ');
}

function rdataText(r: RData): string {
  switch (r.type) {
    case 'PTR':
      return r.target;
    case 'SRV':
      return `${r.target}:${r.port} (priority ${r.priority}, weight ${r.weight})`;
    case 'TXT':
      return txtText(decodeTxt(r.strings, r.truncated).entries);
    case 'A':
    case 'AAAA':
      return r.address;
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Any record's data as dns-packet decodes it, in words. */
function decodedDataText(type: string, data: unknown): string {
  if (typeof data === 'string') return data;
  if (type === 'TXT') {
    const list = (Array.isArray(data) ? data : [data]).filter((b): b is Uint8Array => b instanceof Uint8Array);
    return txtText(decodeTxt(list, false).entries);
  }
  if (data instanceof Uint8Array) return `0x${hex(data)}`;
  if (type === 'SRV' && typeof data === 'object' && data !== null) {
    const d = data as { target?: unknown; port?: unknown; priority?: unknown; weight?: unknown };
    return `${String(d.target)}:${String(d.port)} (priority ${String(d.priority)}, weight ${String(d.weight)})`;
  }
  try {
    return JSON.stringify(data, (_k, v: unknown) => (v instanceof Uint8Array ? `0x${hex(v)}` : v as unknown)) ?? '';
  } catch {
    return '';
  }
}

/** A raw packet for the details view: hex, and every section decoded into words. */
export function rawPacketView(p: { at: number; iface: string; source: string; port: number; bytes: Uint8Array }): RawPacketView {
  const decoded = decodeMdnsPacket(Buffer.from(p.bytes));
  const records: DecodedRecordView[] = [];
  let id = 0;
  let flags = 0;
  if ('packet' in decoded) {
    const pk = decoded.packet;
    id = pk.id ?? 0;
    flags = pk.flags ?? 0;
    for (const q of pk.questions ?? []) records.push({ section: 'question', name: q.name, type: String(q.type), ttl: null, flush: false, data: '' });
    const sections = [
      ['answer', pk.answers],
      ['authority', pk.authorities],
      ['additional', pk.additionals],
    ] as const;
    for (const [section, list] of sections) {
      for (const r of list ?? []) {
        const rec = r as { name: string; type: string; ttl?: number; flush?: boolean; data?: unknown };
        records.push({ section, name: rec.name, type: String(rec.type), ttl: rec.ttl ?? null, flush: rec.flush === true, data: decodedDataText(rec.type, rec.data) });
      }
    }
  }
  return { at: p.at, iface: p.iface, source: p.source, port: p.port, bytes: p.bytes.length, hex: hex(p.bytes), id, flags, records };
}

/** The host name our advertisements point to: gapscope-<machine>.local, as a DNS label. */
export function advertisingHost(machine: string): string {
  const label = machine.toLowerCase().replace(/\..*$/, '').replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `gapscope-${label || 'host'}.local`;
}

/** Summary line of one change, for the timeline. */
function changeSummary(c: ServiceChange): string {
  const i = c.instance;
  const where = i.interfaces.join(', ') || 'no interface';
  const verb = c.kind === 'added' ? 'appeared' : c.kind === 'removed' ? 'went away' : 'changed';
  return `"${i.name}" (${shortType(i.type)}) ${verb} on ${where}`;
}

/** The Bonjour back end: browsing, details, advertising, batched events. */
export class BonjourService {
  private readonly cache: ServiceCache;
  private readonly packets = new PacketLog();
  private readonly batcher = new ChangeBatcher();
  private browser: MdnsBrowser | null = null;
  private browseTypes: string[] = [];
  private browseIfaces: string[] = [];
  private starting: Promise<unknown> | null = null;
  private readonly advertised = new Map<string, { adv: MdnsAdvertiser; info: AdvertisedServiceInfo }>();
  private nextId = 1;
  private readonly warnings: string[] = [];
  private pendingTypes: ServiceType[] | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly packetListeners = new Set<(p: MdnsDatagram) => void>();

  constructor(
    private readonly ctx: Pick<ServiceContext, 'emit' | 'timeline'>,
    private readonly opts: BonjourServiceOptions = {},
  ) {
    this.cache = new ServiceCache(opts.cacheLimits);
  }

  /** Starts browsing (or restarts it when the types or interfaces differ). */
  async startBrowse(req: BrowseRequest = {}): Promise<BonjourStatus> {
    await this.starting;
    const types = [...new Set((req.types ?? []).map(lowerName))].sort();
    const ifaces = [...new Set(req.ifaces ?? [])].sort();
    const list = this.opts.listInterfaces ?? osInterfaces;
    for (const name of ifaces) {
      const found = list().find((i) => i.name === name);
      if (!found) throw new GapscopeError('no-such-interface', `No interface "${name}" on this machine.`);
      if (mdnsInterfaces([found]).length === 0) throw new GapscopeError('no-such-interface', `Interface ${name} is down or does not do multicast, so mDNS cannot run on it.`);
    }
    if (this.browser && types.join(',') === this.browseTypes.join(',') && ifaces.join(',') === this.browseIfaces.join(',')) return this.status();
    await this.stopBrowser();
    this.browseTypes = types;
    this.browseIfaces = ifaces;
    const browser = new MdnsBrowser({ types, ifaces, cache: this.cache, now: () => Date.now(), listInterfaces: list, interfacePollMs: this.opts.interfacePollMs });
    this.browser = browser;
    for (const kind of ['added', 'updated', 'removed'] as const) browser.on(kind, (instance) => this.batcher.add({ kind, instance }));
    browser.on('types', (t) => (this.pendingTypes = t));
    browser.on('sockets', () => this.emitStatus());
    browser.on('warning', (w) => this.warn(w));
    browser.on('packet', (p) => this.onPacket(p));
    this.startFlushing();
    const started = browser.start();
    this.starting = started;
    try {
      await started;
    } finally {
      this.starting = null;
    }
    this.emitStatus();
    return this.status();
  }

  /** Stops browsing; what was found stays until its TTL runs out. */
  async stopBrowse(): Promise<BonjourStatus> {
    await this.starting;
    await this.stopBrowser();
    this.emitStatus();
    return this.status();
  }

  /** Status, types, instances and our advertisements. */
  snapshot(): BonjourSnapshot {
    return { status: this.status(), types: this.cache.serviceTypes(), instances: this.cache.instances(), advertised: this.advertisedList() };
  }

  /** One instance's records with their TTLs and the raw packets that carried them. */
  details(key: string): ServiceDetails {
    const k = lowerName(key);
    const instance = this.cache.instances().find((i) => i.key === k);
    if (!instance) throw new GapscopeError('not-found', 'That service is no longer advertised.');
    const now = Date.now();
    const records: CachedRecordView[] = this.cache.instanceRecords(k, now).map((r) => ({ name: r.name, type: r.type, data: rdataText(r.rdata), iface: r.iface, ttl: r.ttl, remainingSec: r.remainingSec, receivedAt: r.receivedAt, sources: r.sources }));
    return { instance, records, packets: this.packets.packetsOf(k).map(rawPacketView) };
  }

  /** Publishes a test service; resolves once it is announced, with the name that won. */
  async advertise(req: AdvertiseRequest): Promise<AdvertisedServiceInfo> {
    const list = this.opts.listInterfaces ?? osInterfaces;
    if (req.iface && !list().some((i) => i.name === req.iface)) throw new GapscopeError('no-such-interface', `No interface "${req.iface}" on this machine.`);
    const type = req.type;
    const txt = req.txt ?? [];
    const host = this.opts.hostName ?? advertisingHost(hostname());
    const adv = new MdnsAdvertiser({ name: req.name, type, port: req.port, txt, host }, { iface: req.iface, listInterfaces: list });
    const id = `adv-${this.nextId++}`;
    const info: AdvertisedServiceInfo = { id, requestedName: req.name, name: req.name, type, port: req.port, txt: [...txt], host, state: 'probing', error: null };
    this.advertised.set(id, { adv, info });
    adv.on('warning', (w) => this.warn(w));
    adv.on('renamed', (r) => {
      if (r.what === 'name') info.name = r.to;
      else info.host = r.to;
      this.ctx.timeline.post({ source: 'bonjour', kind: 'service-renamed', severity: 'warning', summary: `Gapscope's "${r.from}" was renamed to "${r.to}" after a conflict`, detail: { ...r, type } });
      this.emitStatus();
    });
    this.emitStatus();
    try {
      const published = await adv.start();
      info.name = published.name;
      info.host = published.host;
      info.state = 'published';
    } catch (e) {
      info.state = 'failed';
      info.error = e instanceof Error ? e.message : String(e);
      this.advertised.delete(id);
      await adv.stop().catch(() => undefined);
      this.emitStatus();
      throw e instanceof GapscopeError ? e : new GapscopeError('socket-error', info.error);
    }
    this.ctx.timeline.post({ source: 'bonjour', kind: 'service-advertised', severity: 'info', summary: `Gapscope advertises "${info.name}" (${shortType(type)}) on port ${info.port}`, detail: { name: info.name, type, port: info.port } });
    this.emitStatus();
    return { ...info, txt: [...info.txt] };
  }

  /** Withdraws one of our services with goodbyes. */
  async withdraw(id: string): Promise<void> {
    const entry = this.advertised.get(id);
    if (!entry) throw new GapscopeError('not-found', `No advertised service ${id}.`);
    this.advertised.delete(id);
    await entry.adv.stop();
    entry.info.state = 'withdrawn';
    this.ctx.timeline.post({ source: 'bonjour', kind: 'service-withdrawn', severity: 'info', summary: `Gapscope withdrew "${entry.info.name}" (${shortType(entry.info.type)})`, detail: { name: entry.info.name, type: entry.info.type } });
    this.emitStatus();
  }

  /** Stops everything: browser, advertisements (with goodbyes), timers. */
  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    await this.stopBrowser();
    await Promise.all([...this.advertised.values()].map((e) => e.adv.stop().catch(() => undefined)));
    this.advertised.clear();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
  }

  /**
   * Every mDNS datagram the browser takes (responses, other hosts' queries, and our own queries and
   * announcements, which come back through multicast loopback), raw: the hook for writing mDNS
   * traffic into a session capture. Only while browsing. Returns the function that stops listening.
   */
  subscribePackets(listener: (p: MdnsDatagram) => void): () => void {
    this.packetListeners.add(listener);
    return () => this.packetListeners.delete(listener);
  }

  /** Sends the pending batch now (tests; the timer does it every FLUSH_MS). */
  flush(): void {
    // Without a browser nothing else expires the cache.
    if (!this.browser) for (const c of this.cache.expire(Date.now())) this.batcher.add(c);
    const batch = this.batcher.take(Date.now());
    if (batch) {
      this.ctx.emit('bonjourChange', batch);
      this.postTimeline(batch.changes, batch.resync);
    }
    if (this.pendingTypes) {
      this.ctx.emit('bonjourTypes', this.pendingTypes);
      this.pendingTypes = null;
    }
  }

  private status(): BonjourStatus {
    const stats = this.browser?.stats();
    return {
      browsing: this.browser !== null,
      types: this.browseTypes,
      ifaces: this.browseIfaces,
      sockets: stats?.sockets ?? [],
      packets: stats?.packets ?? 0,
      dropped: stats ? Object.values(stats.dropped).reduce((a, b) => a + b, 0) : 0,
      rateLimited: this.cache.stats().rateLimited,
      changesCoalesced: this.batcher.coalesced,
      warnings: [...this.warnings],
    };
  }

  private advertisedList(): AdvertisedServiceInfo[] {
    return [...this.advertised.values()].map((e) => ({ ...e.info, txt: [...e.info.txt] }));
  }

  private emitStatus(): void {
    if (this.closed) return;
    this.ctx.emit('bonjourStatus', { status: this.status(), advertised: this.advertisedList() });
  }

  private warn(w: string): void {
    if (this.warnings[this.warnings.length - 1] === w) return;
    this.warnings.push(w);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.shift();
    this.emitStatus();
  }

  private onPacket(p: ReceivedMdnsPacket): void {
    for (const l of this.packetListeners) l({ at: p.at, iface: p.iface, family: p.family, source: p.source, port: p.port, data: p.data });
    if (p.packet?.type === 'response') {
      this.packets.add({ at: p.at, iface: p.iface, source: p.source, port: p.port, bytes: p.data }, p.instanceKeys);
      return;
    }
    // A unicast query to port 5353 reaches one socket only, maybe the browser's: hand it to our
    // advertisements (they answer each query once).
    if (p.packet?.type === 'query' && p.port !== MDNS_PORT) {
      for (const { adv } of this.advertised.values()) adv.answerQuery(p.packet, { address: p.source, port: p.port, family: p.family }, p.iface);
    }
  }

  private startFlushing(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setInterval(() => this.flush(), FLUSH_MS);
    this.flushTimer.unref?.();
  }

  private async stopBrowser(): Promise<void> {
    const b = this.browser;
    if (!b) return;
    this.browser = null;
    b.removeAllListeners('packet');
    b.removeAllListeners('sockets');
    await b.stop();
    // Changes already queued still go out; those of a stopped browser end here.
    for (const kind of ['added', 'updated', 'removed'] as const) b.removeAllListeners(kind);
    b.removeAllListeners('types');
  }

  private postTimeline(changes: ServiceChange[], resync: boolean): void {
    const post = (e: TimelineEventInput): void => void this.ctx.timeline.post(e);
    if (changes.length <= TIMELINE_EACH_UP_TO && !resync) {
      for (const c of changes) {
        const i = c.instance;
        post({ source: 'bonjour', kind: `service-${c.kind}`, severity: 'info', summary: changeSummary(c), detail: { name: i.name, type: i.type, interfaces: i.interfaces, host: i.host, port: i.port } });
      }
      return;
    }
    // A flood: one event per kind, with a count and the first few names.
    for (const kind of ['added', 'updated', 'removed'] as const) {
      const of = changes.filter((c) => c.kind === kind);
      if (of.length === 0) continue;
      const verb = kind === 'added' ? 'appeared' : kind === 'removed' ? 'went away' : 'changed';
      const ifaces = [...new Set(of.flatMap((c) => c.instance.interfaces))].sort();
      post({ source: 'bonjour', kind: `service-${kind}`, severity: 'info', summary: `${of.length}${resync ? '+' : ''} services ${verb} on ${ifaces.join(', ') || 'no interface'}`, detail: { count: of.length, more: resync, names: of.slice(0, 10).map((c) => c.instance.name), interfaces: ifaces } });
    }
  }
}

/** Creates the service that answers this feature's contract requests. */
export function createBonjourService(ctx: ServiceContext, opts: BonjourServiceOptions = {}): FeatureService<BonjourRequest> & { bonjour: BonjourService } {
  const bonjour = new BonjourService(ctx, opts);
  return {
    bonjour,
    handlers: {
      startBrowse: (req) => bonjour.startBrowse(req),
      stopBrowse: () => bonjour.stopBrowse(),
      listServices: () => bonjour.snapshot(),
      getServiceDetails: (key) => bonjour.details(key),
      advertiseService: (req) => bonjour.advertise(req),
      withdrawService: (id) => bonjour.withdraw(id),
    },
    close: () => bonjour.close(),
  };
}
