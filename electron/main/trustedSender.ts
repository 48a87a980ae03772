/**
 * Which page is the app's own, and whether an IPC sender or a navigation target is it. Pure (no
 * Electron import) so that the security rules are unit-tested in plain Node; ipcBinding.ts and
 * index.ts hand it the facts they read from Electron's objects.
 */

/** Where the app's page comes from: the built file in production, or the dev server in development. */
export type AppPage =
  | { kind: 'file'; /** file: URL of out/renderer/index.html */ url: string }
  | { kind: 'dev-server'; /** e.g. http://localhost:5173 */ origin: string };

/** What the IPC handler knows about the frame that sent a call. */
export interface SenderFacts {
  /** The sending frame; null when it was destroyed or navigated before the call arrived. */
  frame: { url: string; parent: unknown; detached?: boolean } | null;
  /** True when the sender's web contents belongs to a window this app created. */
  fromAppWindow: boolean;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function decodedPath(url: URL): string | null {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

/**
 * Decides where the page is served from. The dev server counts only in an unpackaged app, so that
 * an environment variable can never point a shipped app at another origin.
 */
export function resolveAppPage(options: { indexFileUrl: string; devServerUrl?: string | undefined; isPackaged: boolean }): AppPage {
  if (!options.isPackaged && options.devServerUrl) {
    const dev = parseUrl(options.devServerUrl);
    if (dev && (dev.protocol === 'http:' || dev.protocol === 'https:')) return { kind: 'dev-server', origin: dev.origin };
  }
  return { kind: 'file', url: options.indexFileUrl };
}

/** True when a URL is the app's own page: the same file (query and hash ignored), or the dev server's origin. */
export function isAppPageUrl(url: string, page: AppPage): boolean {
  const candidate = parseUrl(url);
  if (!candidate) return false;
  if (page.kind === 'dev-server') {
    return (candidate.protocol === 'http:' || candidate.protocol === 'https:') && candidate.origin === page.origin;
  }
  const expected = parseUrl(page.url);
  if (!expected || expected.protocol !== 'file:' || candidate.protocol !== 'file:') return false;
  if (candidate.host !== expected.host) return false;
  const path = decodedPath(candidate);
  return path !== null && path === decodedPath(expected);
}

/**
 * True when an IPC call may reach the back end: it comes from the main frame (not an iframe) of one
 * of the app's windows, and that frame shows the app's page (Electron security checklist, item 17).
 */
export function isTrustedSender(sender: SenderFacts, page: AppPage): boolean {
  const { frame } = sender;
  if (!sender.fromAppWindow || frame === null) return false;
  if (frame.detached === true || frame.parent !== null) return false;
  return isAppPageUrl(frame.url, page);
}

/** The sentence the renderer sees when a call is refused; names no internals. */
export const UNTRUSTED_SENDER_MESSAGE = 'This page is not the Gapscope window, so it may not talk to the Gapscope back end.';

/** What to do when the page tries to leave: stay (it is the app), open a web link in the browser, or refuse. */
export function navigationDecision(url: string, page: AppPage): 'allow' | 'open-in-browser' | 'deny' {
  if (isAppPageUrl(url, page)) return 'allow';
  const target = parseUrl(url);
  if (target && (target.protocol === 'https:' || target.protocol === 'http:') && target.username === '' && target.password === '') {
    return 'open-in-browser';
  }
  return 'deny';
}

/** The one permission the app's page may have: desktop notifications for its alerts, asked for by the app's own page only. */
export function permissionAllowed(permission: string, pageUrl: string, page: AppPage): boolean {
  return permission === 'notifications' && isAppPageUrl(pageUrl, page);
}
