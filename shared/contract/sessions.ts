/**
 * Sessions: recording running streams to pcapng, and the library of past recordings. Merged into
 * the one contract in shared/contract/index.ts.
 */
import { z } from 'zod';
import type { ErrorInfo } from '../errors';
import type { StreamConfig, StreamInfo } from './reception';
import type { ReceptionSnapshot } from '../reception/types';
import type { TimelineEvent } from '../timeline';
import { event, localPath, overwriteOptions, pcapngOutputPath, request, secondsRange } from './define';

/** A session's id: its folder's name in the sessions folder. */
export const sessionId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'is not a session id')
  .refine((s) => !s.includes('..'), { message: 'is not a session id' });

const streamIdList = z.array(z.string().regex(/^[a-z0-9-]{1,40}$/, 'is not a stream id')).min(1).max(64);

/** What to record: some running streams (default all) into the library, or into one file. */
export const RecordOptionsSchema = z
  .object({
    streamIds: streamIdList.optional(),
    /** Record into this .pcapng file (with FILE.json beside it) instead of a new library session. */
    file: pcapngOutputPath.optional(),
    name: z.string().trim().min(1).max(200).optional(),
    /** Replace an existing FILE and FILE.json; without it an existing file is never overwritten. */
    overwrite: z.boolean().optional(),
  })
  .strict();

/** How a session ended: still recording, stopped normally, stopped by an error, or cut short (crash, kill). */
export type SessionStatus = 'recording' | 'complete' | 'failed' | 'interrupted';

/** One recorded stream, as session.json keeps it. */
export interface SessionStream {
  /** The stream's id while it ran. */
  streamId: string;
  /** Its interface in the capture (0, 1, …). */
  interfaceId: number;
  config: StreamConfig;
  info: StreamInfo;
  /** Wall-clock time the recording of this stream began, ms since the epoch. */
  recordingStartedAt: number;
  /** True when the capture holds every packet since the stream started listening. */
  fromStreamStart: boolean;
  /** Packets in the capture (on disk); for an interrupted session, counted in the file. */
  packets: number;
  /** Packets received but not recorded because the disk fell behind. */
  notRecorded: number;
  bytesWritten: number;
  /** The stream's measurements at the last save (every few seconds, and at the stop). */
  snapshot: ReceptionSnapshot | null;
  error: ErrorInfo | null;
}

/** What a capture holds besides the streams: the Bonjour browser's mDNS traffic and the timeline's events. */
export interface SessionExtrasInfo {
  /** The capture interface of the events (one frame per event, with the event as its comment). */
  timelineInterfaceId: number;
  /** One capture interface per link the Bonjour browser received mDNS on (described as they come, after the others). */
  mdnsInterfaces: { interfaceId: number; iface: string }[];
  /** mDNS datagrams in the capture (on disk). */
  mdnsPackets: number;
  /** The capture interface of the DNS probes' datagrams (null when no DNS source was wired). */
  dnsInterfaceId: number | null;
  /** DNS probe datagrams in the capture (on disk). */
  dnsPackets: number;
  /** Timeline events in the capture (on disk). */
  events: number;
  /** Timeline events during the recording; session.json lists the first few thousand. */
  eventsSeen: number;
  /** Datagrams and events not recorded because the disk fell behind. */
  notRecorded: number;
  bytesWritten: number;
}

/** session.json: everything known about a session besides its packets. */
export interface SessionRecord {
  format: 'gapscope-session';
  version: 1;
  id: string;
  name: string;
  notes: string;
  /** ms since the epoch. */
  created: number;
  ended: number | null;
  status: SessionStatus;
  /** The process recording it, to tell a live recording from an interrupted one. */
  owner: { pid: number; host: string } | null;
  error: ErrorInfo | null;
  /** "Gapscope 0.1.0", the OS, as in the capture's section header. */
  app: string;
  os: string;
  /** The capture's file name, beside session.json (or the full path for a --record file). */
  capture: string;
  streams: SessionStream[];
  savedAt: number;
  /** mDNS and timeline events in the capture; absent in sessions recorded before they were. */
  extras?: SessionExtrasInfo;
  /** The timeline's events during the recording, oldest first (at most a few thousand; extras.eventsSeen counts all). */
  events?: TimelineEvent[];
}

/** A session as the library lists it: its record's facts, and what the list adds up. */
export interface SessionSummary extends Pick<SessionRecord, 'id' | 'name' | 'notes' | 'created' | 'ended' | 'status' | 'error'> {
  durationMs: number;
  /** One line per stream, e.g. "239.1.2.3:5000 (multicast)". */
  streams: string[];
  packets: number;
  gaps: number;
  captureBytes: number;
  /** Timeline events during the recording (absent for sessions recorded before events were). */
  events?: number;
  /** mDNS datagrams in the capture (absent for sessions recorded before they were). */
  mdnsPackets?: number;
  /** DNS probe datagrams in the capture (absent for sessions recorded before they were). */
  dnsPackets?: number;
}

/** Whether something is being recorded, and how it goes. */
export interface RecordingState {
  recording: boolean;
  sessionId: string | null;
  name: string | null;
  /** The capture being written. */
  file: string | null;
  startedAt: number | null;
  streams: { id: string; label: string; packets: number; notRecorded: number }[];
  /** mDNS datagrams and timeline events recorded so far (written within a second). */
  extras?: { mdnsPackets: number; dnsPackets: number; events: number; notRecorded: number };
  /** Why the last recording stopped by itself (full disk, permissions), until the next starts. */
  error: ErrorInfo | null;
  /** How the last recording ended, with the packets its capture holds (counted in the file when it failed), until the next starts. */
  ended?: EndedRecording;
}

/** A recording that ended: where it is, how it ended, and what its file holds. */
export interface EndedRecording {
  sessionId: string;
  /** The capture written, and session.json (FILE.json for a chosen file). */
  file: string;
  sidecar: string;
  status: SessionStatus;
  streams: { id: string; label: string; packets: number; notRecorded: number; fromStreamStart: boolean }[];
  error: ErrorInfo | null;
}

/** What a deletion removed: only the files Gapscope made; anything else in the folder stays and is named. */
export interface SessionDeletion {
  id: string;
  removed: string[];
  /** Files and folders left in the session's folder because Gapscope did not make them. */
  kept: string[];
}

/** Requests of this feature. */
export const sessionsRequests = {
  /** Starts recording running streams (all of them by default) into a new session; fails clearly if none runs. */
  startRecording: request(z.tuple([RecordOptionsSchema.optional()])).returns<RecordingState>(),
  /** Stops the recording; resolves once the capture and session.json are complete on disk. */
  stopRecording: request(z.tuple([])).returns<RecordingState>(),
  /** Whether a recording runs, for a window that opens late. */
  getRecordingState: request(z.tuple([])).returns<RecordingState>(),
  /** Past and current sessions, newest first; interrupted ones included. */
  listSessions: request(z.tuple([])).returns<SessionSummary[]>(),
  /** Everything session.json holds about one session. */
  getSession: request(z.tuple([sessionId])).returns<SessionRecord>(),
  /** Gives a session a name a person recognizes. */
  renameSession: request(z.tuple([sessionId, z.string().trim().min(1, 'a name cannot be empty').max(200)])).returns<SessionSummary>(),
  /** Attaches notes (what was tested, the bug number). */
  annotateSession: request(z.tuple([sessionId, z.string().max(20_000)])).returns<SessionSummary>(),
  /**
   * Deletes a session (the UI asks for confirmation first): the files Gapscope made in its folder,
   * and the folder when nothing else is left; a recording session cannot be deleted.
   */
  deleteSession: request(z.tuple([sessionId])).returns<SessionDeletion>(),
  /** Where new sessions are stored. */
  getSessionFolder: request(z.tuple([])).returns<string>(),
  /** Changes where sessions are stored: an existing folder, or a new one in an existing folder; checked for writing. */
  setSessionFolder: request(z.tuple([localPath])).returns<string>(),
  /**
   * Saves a session's capture, whole (range null) or the packets between two instants (seconds
   * after its first packet), to a .pcapng file on the back end's machine: the desktop window's
   * download (web mode downloads through GET /sessions/ID/capture.pcapng) and the CLI's export.
   */
  saveSessionCapture: request(
    z.tuple([
      sessionId,
      secondsRange.nullable(),
      pcapngOutputPath,
      overwriteOptions.optional(),
    ]),
  ).returns<{ file: string; bytes: number; packets: number | null }>(),
  /** Shows a session's streams in the Reception view as stopped streams named after the session. */
  openSession: request(z.tuple([sessionId])).returns<StreamInfo[]>(),
} as const;

/** Events of this feature. */
export const sessionsEvents = {
  /** A recording started, progressed (every second), stopped or failed. */
  recordingState: event<RecordingState>(),
  /** The library changed: a session was added, renamed, annotated, deleted or ended. */
  sessionsChanged: event<SessionSummary[]>(),
} as const;
