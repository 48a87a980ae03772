/** The back end as one object: the contract's implementation plus its event stream, for any transport. */
import type { ChoosePathRequest, ChosenPath, EventName, EventPayload, GapscopeService } from '../../shared/contract';

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
  /**
   * Watch interfaces, routes and Wi-Fi from the start (default yes; GAPSCOPE_NETWORK_WATCH=0 turns
   * it off). Command-line tools that do not report network changes leave it off: the watcher runs
   * `ip`/`iw` every second, CPU the receiver worker should not have to share.
   */
  watchNetwork?: boolean;
  /** Attach the remote agents saved in the data folder at start (the desktop window and serve; a one-shot command does not). */
  reachAgents?: boolean;
  /** The desktop window's Open and Save dialogs (electron/main/pathChooser.ts); without them choosePath is refused. */
  choosePath?: (request: ChoosePathRequest) => Promise<ChosenPath>;
}
