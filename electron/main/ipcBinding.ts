/**
 * Binds the back end to Electron IPC, generically: one handler for every contract request and one
 * channel for every event. The only main-process file that touches ipcMain (lint enforces it);
 * every call passes the trusted-sender check and then the contract's own validation.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { createDispatcher } from '../../shared/rpc/dispatcher';
import type { Outcome } from '../../shared/rpc/envelope';
import type { Backend } from '../kernel/backend';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../preload/channels';
import { isAppPageUrl, isTrustedSender, UNTRUSTED_SENDER_MESSAGE, type AppPage } from './trustedSender';

/** The live binding: windows join it, and it is undone when the app quits. */
export interface IpcBinding {
  /** Lets a window's page call the back end and hear its events. */
  addWindow(window: BrowserWindow): void;
  /** Stops answering calls and forwarding events. */
  dispose(): void;
}

const DENIED: Outcome = { ok: false, error: { code: 'permission-denied', message: UNTRUSTED_SENDER_MESSAGE } };

/** The sender's URL for a log line; a disposed frame throws on every property. */
function describeSender(event: IpcMainInvokeEvent): string {
  try {
    return event.senderFrame?.url ?? 'a frame that is gone';
  } catch {
    return 'a frame that is gone';
  }
}

function isFromTrustedFrame(event: IpcMainInvokeEvent, appWindows: ReadonlySet<WebContents>, page: AppPage): boolean {
  try {
    return isTrustedSender({ frame: event.senderFrame, fromAppWindow: appWindows.has(event.sender) }, page);
  } catch {
    // Electron throws when a frame was disposed between the call and this check: treat as gone.
    return false;
  }
}

/** Answers 'gapscope:call' from the app's windows and forwards back-end events to them. */
export function bindBackendToIpc(backend: Backend, page: AppPage): IpcBinding {
  const dispatch = createDispatcher(backend.service);
  const appWindows = new Set<WebContents>();

  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, args: unknown): Promise<Outcome> => {
    if (!isFromTrustedFrame(event, appWindows, page)) {
      console.warn(`Gapscope: refused an IPC call from ${describeSender(event)}`);
      return DENIED;
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'invalid-argument', message: 'A request must name its method.' } };
    }
    return dispatch(method, args);
  });

  const stopEvents = backend.onEvent((name, payload) => {
    for (const contents of appWindows) {
      // Only a window still showing the app's page hears the back end.
      if (contents.isDestroyed() || !isAppPageUrl(contents.getURL(), page)) continue;
      try {
        contents.send(EVENT_CHANNEL, name, payload);
      } catch (err) {
        console.error(`Gapscope: could not forward event ${name}:`, err);
      }
    }
  });

  return {
    addWindow(window) {
      const contents = window.webContents;
      appWindows.add(contents);
      contents.once('destroyed', () => appWindows.delete(contents));
    },
    dispose() {
      ipcMain.removeHandler(CALL_CHANNEL);
      stopEvents();
      appWindows.clear();
    },
  };
}
