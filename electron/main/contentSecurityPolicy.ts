/**
 * The Content-Security-Policy the main process adds to every response in the window's session.
 * renderer/index.html carries the same rules in a meta tag; both apply (a page must satisfy every
 * policy it is given), and the meta tag is the one that surely covers file:// loads. Pure, so the
 * policy is tested in plain Node.
 */
import type { AppPage } from './trustedSender';

/** Builds the policy: only the app's own code, no remote content, no plugins, no frames. */
export function contentSecurityPolicy(page: AppPage): string {
  const dev = page.kind === 'dev-server';
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // The dev server's React refresh preamble is an inline module script; production has none.
    'script-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    // React and chart libraries set style attributes.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    // The back end is reached over IPC, never over the network; the dev server needs its HMR socket.
    'connect-src': dev ? ["'self'", page.origin.replace(/^http/, 'ws')] : ["'self'"],
    'worker-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/**
 * Returns the response headers with the policy set, replacing any Content-Security-Policy the
 * response had (header names are case-insensitive).
 */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined, policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}
