/**
 * What the Bonjour tab, the CLI and the back end exchange about browsing and advertising: the
 * shapes behind the contract's Bonjour requests and events (shared/contract/index/bonjour.ts).
 */
import type { ServiceInstance, ServiceType } from './serviceCache';

/** A socket the browser holds: one per interface and family. */
export interface BonjourSocket {
  iface: string;
  family: 'ipv4' | 'ipv6';
  status: 'open' | 'failed';
  error: string | null;
  packets: number;
  queriesSent: number;
}

/** Whether browsing runs, where, and what was refused on the way (so a flood is visible, not silent). */
export interface BonjourStatus {
  browsing: boolean;
  /** What startBrowse was asked: types (empty: every type) and interfaces (empty: every one). */
  types: string[];
  ifaces: string[];
  sockets: BonjourSocket[];
  /** Packets received, and refused before the cache (malformed, oversized, loops…). */
  packets: number;
  dropped: number;
  /** Records refused by the per-source rate limit. */
  rateLimited: number;
  /** Changes merged or left out of the UI batches under a flood (see BonjourChangeBatch.resync). */
  changesCoalesced: number;
  /** Warnings from the sockets, latest last (at most a few). */
  warnings: string[];
}

/** One record of an instance as cached, per interface, with what is left of its TTL. */
export interface CachedRecordView {
  name: string;
  type: 'PTR' | 'SRV' | 'TXT' | 'A' | 'AAAA';
  /** The data in words: "gs.local:8080 (priority 0, weight 0)", "10.0.0.1", "path=/ secure". */
  data: string;
  iface: string;
  ttl: number;
  /** Seconds left before it expires (a goodbye leaves one). */
  remainingSec: number;
  receivedAt: number;
  sources: string[];
}

/** One decoded record of a raw packet, as text. */
export interface DecodedRecordView {
  section: 'question' | 'answer' | 'authority' | 'additional';
  name: string;
  type: string;
  /** Null for a question. */
  ttl: number | null;
  flush: boolean;
  data: string;
}

/** A received packet that carried records of an instance: bytes as hex, and decoded. */
export interface RawPacketView {
  at: number;
  iface: string;
  source: string;
  port: number;
  bytes: number;
  hex: string;
  id: number;
  flags: number;
  records: DecodedRecordView[];
}

/** Everything the details pane shows about one instance. */
export interface ServiceDetails {
  instance: ServiceInstance;
  records: CachedRecordView[];
  /** The latest packets that carried its records, newest first. */
  packets: RawPacketView[];
}

/** A service Gapscope publishes. */
export interface AdvertisedServiceInfo {
  id: string;
  /** The name asked for, and the one published (different after a conflict). */
  requestedName: string;
  name: string;
  type: string;
  port: number;
  txt: string[];
  host: string;
  state: 'probing' | 'published' | 'withdrawn' | 'failed';
  error: string | null;
}

/** Changes of instances since the last batch, at most about ten batches a second. */
export interface BonjourChangeBatch {
  at: number;
  /** One entry per instance (the latest state wins within a batch). */
  changes: Array<{ kind: 'added' | 'updated' | 'removed'; instance: ServiceInstance }>;
  /** Too many changes to send one by one: the UI should fetch listServices instead. */
  resync: boolean;
}

/** What listServices returns: everything the tab needs when it opens. */
export interface BonjourSnapshot {
  status: BonjourStatus;
  types: ServiceType[];
  instances: ServiceInstance[];
  advertised: AdvertisedServiceInfo[];
}
