/**
 * Who may use web mode: the per-launch token, and the Hosts and Origins that name this server
 * (its own origins plus --allow-origin). Anything else is DNS rebinding, another site's page or a
 * stray client. Pure apart from the local addresses it is handed, so the rules are unit-tested.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { GapscopeError } from '../../shared/errors';

/** True for a loopback bind address: the only kind web mode uses without --allow-remote. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Compares a token in constant time. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of one cookie in a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Reads an --allow-origin value: an http(s) origin with no path, e.g. http://inspector.local:8080.
 * Throws a sentence for anything else.
 */
export function parseAllowedOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GapscopeError('invalid-argument', `--allow-origin ${text} is not an origin; give one like http://inspector.local:8080.`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new GapscopeError('invalid-argument', `--allow-origin ${text} is not an origin; give scheme, host and port only, like http://inspector.local:8080.`);
  }
  return url.origin;
}

/** An address as it appears in a Host header or URL: IPv6 in brackets, without a zone. */
function urlHost(address: string): string {
  const bare = address.replace(/%.*$/, '');
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/** What web mode listens on and who else it was told to accept. */
export interface AccessOptions {
  /** The bind address (--host). */
  host: string;
  port: number;
  /** Extra origins from --allow-origin (already parsed). */
  allowOrigins?: readonly string[];
  /** This machine's addresses, for a wildcard bind (0.0.0.0 or ::). */
  localAddresses: () => string[];
}

/** The Host and Origin rules of one running web mode. */
export class AccessRules {
  private readonly extra: Map<string, string>;

  constructor(private readonly o: AccessOptions) {
    // host[:port] as a browser sends it in Host -> the origin it came from.
    this.extra = new Map((o.allowOrigins ?? []).map((origin) => [new URL(origin).host, origin]));
  }

  /** The host:port values under which this server is its own page. */
  ownHosts(): string[] {
    const { host, port } = this.o;
    const names =
      isLoopbackHost(host)
        ? ['127.0.0.1', 'localhost', '::1', host]
        : host === '0.0.0.0' || host === '::'
          ? ['127.0.0.1', 'localhost', '::1', ...this.o.localAddresses()]
          : [host];
    return [...new Set(names.map((n) => `${urlHost(n)}:${port}`))];
  }

  /** The origin the page was served as for this Host header, or null when the Host does not name this server. */
  pageOrigin(hostHeader: string | undefined): string | null {
    if (!hostHeader) return null;
    const configured = this.extra.get(hostHeader.toLowerCase());
    if (configured) return configured;
    return this.ownHosts().includes(hostHeader.toLowerCase()) ? `http://${hostHeader.toLowerCase()}` : null;
  }

  /** True when an Origin header is one of this server's pages (or absent: not a browser, the token still decides). */
  originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const o = origin.toLowerCase();
    return [...this.extra.values()].includes(o) || this.ownHosts().some((h) => `http://${h}` === o);
  }

  /** One sentence for a refused Host: which addresses this server answers to, and how to add another. */
  hostRefusal(hostHeader: string | undefined): string {
    const own = this.ownHosts().slice(0, 6).map((h) => `http://${h}`);
    return `Misdirected request: this Gapscope answers as ${own.join(', ')}, not as ${hostHeader ? `http://${hostHeader}` : 'an unnamed host'}; to use another name, restart serve with --allow-origin http://NAME:${this.o.port}.`;
  }
}
