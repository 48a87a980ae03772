/**
 * What a DNS probe, a comparison, a search-list preview and a load run report: plain data shared by
 * the back end that measures it, the CLI that prints it and the DNS view that draws it.
 */

/** How a probe ended, in the words the user needs to tell network problems apart. */
export type DnsOutcomeKind = 'answer' | 'refused' | 'timeout' | 'port-unreachable' | 'network-unreachable' | 'malformed' | 'socket-error';

/** Header flags of a reply, by their RFC names. */
export interface DnsFlags {
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
}

/** One record of a reply, in text. */
export interface DnsRecordSummary {
  name: string;
  type: string;
  ttl: number | null;
  /** The record data as dig would print it, roughly ("10.0.0.1", "10 mail.example.", "\# 4 0a000001"). */
  data: string;
}

/** The EDNS0 part of a reply. */
export interface EdnsInfo {
  udpPayloadSize: number;
  version: number;
  extendedRcode: number;
  dnssecOk: boolean;
  options: { code: number; length: number }[];
}

/** The result of one probe: never thrown, always reported. */
export interface DnsProbeResult {
  server: string;
  name: string;
  type: string;
  kind: DnsOutcomeKind;
  /** A sentence for people: "answered NOERROR with 1 record in 0.41 ms over UDP". */
  message: string;
  /** The transport of the final exchange. */
  transport: 'udp' | 'tcp';
  /** From sending the query to receiving its reply (of the final transport), ms; null without a reply. */
  rttMs: number | null;
  /** The UDP exchange's time when the reply was truncated and TCP followed. */
  udpRttMs: number | null;
  rcode: string | null;
  flags: DnsFlags | null;
  answers: DnsRecordSummary[];
  authorities: DnsRecordSummary[];
  additionals: DnsRecordSummary[];
  edns: EdnsInfo | null;
  /** The UDP reply had TC set. */
  truncated: boolean;
  /** Datagrams that arrived but belonged to no query of ours (wrong id, wrong name, too short): waited past. */
  ignoredReplies: number;
  /** The reply repeated the question (its name and type): without it a reply is not an answer to this query. */
  questionEchoed: boolean;
  /** The query id and local port used, to find the exchange in a capture. */
  queryId: number;
  localPort: number | null;
  /** The system error code for socket outcomes (ECONNREFUSED, ENETUNREACH…). */
  errno: string | null;
}

/** Servers that gave the same outcome, and that outcome in words. */
export interface AnswerGroup {
  /** "NOERROR 10.0.0.1, 10.0.0.2", "NXDOMAIN", "REFUSED", "timeout"… */
  answer: string;
  servers: string[];
}

/** Whether all servers said the same, and who said what. */
export interface AnswerComparison {
  agree: boolean;
  groups: AnswerGroup[];
}

/** Probes of one name to one or more servers, compared when there are several. */
export interface DnsProbeReport {
  name: string;
  type: string;
  results: DnsProbeResult[];
  /** Null with a single server. */
  comparison: AnswerComparison | null;
}

/** One name of the search list, and what the server said about it. */
export interface DnsSearchStepResult {
  name: string;
  searchDomain: string | null;
  result: DnsProbeResult;
}

/** The search-list preview with an answer for each name: why a short name resolves to something odd. */
export interface DnsSearchReport {
  name: string;
  type: string;
  server: string;
  searchDomains: string[];
  ndots: number;
  rules: 'glibc' | 'macos';
  steps: DnsSearchStepResult[];
  /** The first name with records: the one the system would use; null when none has. */
  resolvedBy: string | null;
  notes: string[];
}

/** Latency percentiles of answered queries, ms. */
export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** Open file descriptors and, among them, sockets of the measuring process: flat before and after means nothing leaked. */
export interface FdCounts {
  before: number | null;
  after: number | null;
  socketsBefore: number | null;
  socketsAfter: number | null;
}

/** The outcome of a load run; `sent = answered + lost` once the run has ended. */
export interface DnsLoadResult {
  server: string;
  name: string;
  type: string;
  targetQps: number;
  durationS: number;
  sent: number;
  answered: number;
  lost: number;
  /** Replies that came after their query had been counted lost. */
  late: number;
  /** Datagrams that matched no outstanding query (wrong id, too short). */
  stray: number;
  achievedQps: number;
  answeredQps: number;
  rcodes: Record<string, number>;
  latencyMs: LatencySummary;
  /** Socket errors by code (ECONNREFUSED: ICMP port unreachable…). */
  errors: Record<string, number>;
  sockets: number;
  maxOutstanding: number;
  /** Sends were held back because maxOutstanding queries were in flight: the server (or this machine) is the limit, not the target rate. */
  heldBack: boolean;
  /** Open file descriptors of this process (Linux /proc/self/fd) before and after the run; null elsewhere. */
  fds: FdCounts;
  /** udp, or tcp (one connection per pool slot). */
  transport: 'udp' | 'tcp';
  /** How many different queries were cycled through (1: the one name and type; more: a query file). */
  queries: number;
  /** A ramp's steps and the highest answered rate (null for a run at a steady rate). */
  ramp: DnsLoadRamp | null;
}

/** One step of a ramp: what the target was, and what was sent, answered and lost in it (per second). */
export interface DnsLoadRampStep {
  /** End of the step, seconds from the start. */
  atS: number;
  /** The target rate at the middle of the step. */
  targetQps: number;
  sentQps: number;
  /** Replies that arrived during the step, per second. */
  answeredQps: number;
  /** Queries sent during the step that were never answered. */
  lost: number;
}

/** What a ramp found: resperf's "maximum throughput", the step it was reached in, and every step. */
export interface DnsLoadRamp {
  stepS: number;
  steps: DnsLoadRampStep[];
  /** The highest answered rate of any step. */
  maxAnsweredQps: number;
  /** The target rate when it was reached. */
  atTargetQps: number;
  /** Of the queries sent in that step, the share lost, percent. */
  lostPctAtMax: number;
}

/** A load run in progress, a few times per second. */
export interface DnsLoadProgress {
  runId: number;
  elapsedS: number;
  durationS: number;
  sent: number;
  answered: number;
  lost: number;
  inFlight: number;
}
