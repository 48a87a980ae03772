/** What every feature's back-end service gets and gives, so features plug into createBackend alike. */
import type { GapscopeService, RequestName } from '../../shared/contract';
import type { BackendEventListener } from './backend';
import type { TimelineLog } from './timeline';

/** What the back end hands each feature's service. */
export interface ServiceContext {
  /** Pushes a contract event to every window and client. */
  emit: BackendEventListener;
  /** The shared timeline: post what happened so charts, gap tables and recordings show it. */
  timeline: TimelineLog;
  /** Folder for settings and sessions. */
  dataDir: string;
  mode: 'desktop' | 'web';
}

/** One feature's implementation of its contract entries, and how to release what it holds. */
export interface FeatureService<K extends RequestName> {
  handlers: Pick<GapscopeService, K>;
  /** Closes sockets, timers and files; called once when the back end closes. */
  close?(): Promise<void> | void;
}
