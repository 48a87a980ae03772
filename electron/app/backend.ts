/** The back end as one object: the contract's implementation plus its event stream, for any transport. */
import type { EventName, EventPayload, GapscopeService } from '../../shared/contract';

/** A listener for every event the back end pushes. */
export type BackendEventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** What the desktop window (IPC), the web mode (WebSocket) and the CLI all drive. */
export interface Backend {
  service: GapscopeService;
  /** Listens to every pushed event; returns the function that stops listening. */
  onEvent(listener: BackendEventListener): () => void;
  /** Stops every stream and releases sockets and workers. */
  close(): Promise<void>;
}

/** Where the back end keeps state between launches, and which shell it runs in. */
export interface BackendOptions {
  mode: 'desktop' | 'web';
  /** Folder for settings.json; created when missing. */
  dataDir: string;
}
