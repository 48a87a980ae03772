/**
 * The desktop window's only bridge to the back end: one generic call and one event pipe, nothing
 * per feature (shared/contract/index.ts describes what flows through). Runs sandboxed, so at run time it needs
 * only 'electron' (channels.ts is bundled in) and is built as CommonJS.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Outcome } from '../../shared/rpc/envelope';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels';

/** What the renderer finds on window.gapscopeBridge (renderer/api/transport.ts: DesktopBridge). */
const bridge = {
  /** Sends one contract request; the main process validates it and always answers with an Outcome. */
  call(method: string, args: unknown[]): Promise<Outcome> {
    return ipcRenderer.invoke(CALL_CHANNEL, method, args) as Promise<Outcome>;
  },
  /** Delivers every pushed event; returns the function that stops delivering. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    // The IPC event object (with its sender) never reaches the page: only the name and payload.
    const forward = (_event: IpcRendererEvent, name: string, payload: unknown): void => listener(name, payload);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('gapscopeBridge', bridge);
