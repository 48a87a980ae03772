/**
 * Desktop notifications through the page's Notification API, which Electron's renderer and every
 * browser (web mode) offer: asked for only on a user's action, shown only while the window is not
 * focused (the banner is on screen otherwise).
 */

/** What the alerts binding needs of the desktop: permission, focus, a notification. */
export interface DesktopNotifier {
  /** Asks for permission when it was never given or refused; call it from a user's action (a click). */
  ask(): void;
  /** True while the user looks at this window. */
  focused(): boolean;
  /** Shows one notification; `tag` makes a repeat replace the last one instead of stacking. */
  show(title: string, body: string, tag: string): void;
}

/** The page's own Notification API; does nothing where there is none or permission was not given. */
export const pageNotifier: DesktopNotifier = {
  ask() {
    if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
    void Notification.requestPermission().catch(() => undefined);
  },
  focused() {
    return typeof document === 'undefined' || document.hasFocus();
  },
  show(title, body, tag) {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      new Notification(title, { body, tag });
    } catch {
      // Some browsers allow notifications only from a service worker: the banner still says it.
    }
  },
};
