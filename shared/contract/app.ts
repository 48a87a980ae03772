/** The app's own entries in the contract: facts about the back end, its health, settings and the shared timeline. */
import { z } from 'zod';
import type { TimelineEvent } from '../timeline';
import { event, localPath, request } from './define';
import { StreamConfigSchema } from './reception';

/** Settings that persist between launches. */
export const SettingsSchema = z
  .object({
    lastStream: StreamConfigSchema.optional(),
    chartWindowSec: z.number().int().min(5).max(3600).default(60),
    packetsShown: z.number().int().min(10).max(1000).default(100),
  })
  .strict();
/** The settings as stored. */
export type Settings = z.output<typeof SettingsSchema>;

/** About the running back end. */
export interface AppInfo {
  version: string;
  platform: string;
  mode: 'desktop' | 'web';
}

/** How the back end itself is doing: a slow main loop delays the UI, never packet timestamps. */
export interface BackendHealth {
  /** 99th percentile and maximum of the main event loop's delay over the last 10 s. */
  eventLoopDelayP99Ms: number | null;
  eventLoopDelayMaxMs: number | null;
  rssBytes: number;
  uptimeSec: number;
  /** Web mode only: its clients, and the ones it refused or dropped. */
  web?: WebClientStats;
}

/** Web mode's clients: a bad or slow client is dropped and counted here, never a reason to stop. */
export interface WebClientStats {
  connected: number;
  maxClients: number;
  /** Connections refused before they became clients (no token, foreign origin, over the cap…). */
  refused: number;
  /** Clients dropped for what they sent or how slowly they read. */
  dropped: number;
  /** Both counts by reason, e.g. {"wrong token": 3000, "invalid frame": 5}. */
  reasons: Record<string, number>;
  /** Stream updates held back from clients that read too slowly (each of them then reloads the latest state). */
  updatesHeldBack: number;
}

/** What a path is chosen for; the desktop dialog's kind, title and file types follow from it. */
export const PathPurposeSchema = z.enum(['open-capture', 'session-folder', 'save-capture']);
/** What a path is chosen for. */
export type PathPurpose = z.output<typeof PathPurposeSchema>;

/** A request for the system's Open or Save dialog: what for, the file name to offer, and where to start. */
export const ChoosePathSchema = z
  .object({
    purpose: PathPurposeSchema,
    /** Save dialogs: the file name offered (a name, not a path). */
    suggestedName: z
      .string()
      .trim()
      .min(1, 'must be given')
      .max(255)
      .refine((n) => !/[\\/\0]/.test(n), { message: 'must be a file name, without folders' })
      .optional(),
    /** The folder (or file) the dialog opens at. */
    startIn: localPath.optional(),
  })
  .strict();
/** A request for the system's Open or Save dialog. */
export type ChoosePathRequest = z.output<typeof ChoosePathSchema>;

/** The path the person chose, or null when they cancelled. */
export interface ChosenPath {
  path: string | null;
}

/** The app's requests. */
export const appRequests = {
  /** Facts about the back end, for the title bar and the About box. */
  getAppInfo: request(z.tuple([])).returns<AppInfo>(),
  /** Main-loop delay and memory of the back end, for the status bar. */
  getHealth: request(z.tuple([])).returns<BackendHealth>(),
  /** The persisted settings. */
  getSettings: request(z.tuple([])).returns<Settings>(),
  /** Changes some settings and persists them. */
  updateSettings: request(z.tuple([SettingsSchema.partial()])).returns<Settings>(),
  /** Timeline events (network, DNS, Bonjour, sessions) since an event id, oldest first; all kept ones without. */
  listTimelineEvents: request(z.tuple([z.number().int().min(0).optional()])).returns<TimelineEvent[]>(),
  /**
   * Desktop: the system's Open or Save dialog, whose path then goes to the same request a typed
   * path does (importCapture, setSessionFolder, saveSessionCapture). Web mode refuses: the page
   * cannot show the server's folders, so the path is typed and files go through the browser's downloads.
   */
  choosePath: request(z.tuple([ChoosePathSchema])).returns<ChosenPath>(),
};

/** The app's events. */
export const appEvents = {
  /** Something happened that belongs on the shared timeline. */
  timelineEvent: event<TimelineEvent>(),
  /** Web mode: this page read too slowly, so these streams' updates were held back; reload their state. */
  streamsSkipped: event<{ ids: string[] }>(),
};
