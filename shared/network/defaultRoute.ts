/** The default route per family, and whether a VPN tunnel captured it (default via a tunnel, or redirect-gateway halves). */
import type { DefaultRouteInfo, NetInterface, RouteEntry } from './types';

/** Half routes that together replace the default (OpenVPN redirect-gateway def1 and similar). */
const SPLIT_PAIRS: Record<'ipv4' | 'ipv6', [string, string][]> = {
  ipv4: [['0.0.0.0/1', '128.0.0.0/1']],
  ipv6: [
    ['::/1', '8000::/1'],
    ['2000::/4', '3000::/4'],
  ],
};

/** A route the OS uses only when a socket is bound to that interface (macOS scoped routes, flag I). */
const scopedOnly = (r: RouteEntry): boolean => r.flags.includes('I');

/** Finds, per family, which interface carries traffic to the internet and whether a tunnel captured it. */
export function analyzeDefaultRoutes(routes: readonly RouteEntry[], interfaces: readonly NetInterface[]): DefaultRouteInfo[] {
  const kindOf = (name: string | null): string | null => interfaces.find((i) => i.name === name)?.kind ?? null;
  return (['ipv4', 'ipv6'] as const).map((family) => {
    const fam = routes.filter((r) => r.family === family);
    const defaults = fam.filter((r) => r.destination === 'default' && !scopedOnly(r));
    // The lowest metric wins; routes without a metric keep the OS's order.
    const primary = [...defaults].sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0))[0] ?? null;
    let split: { iface: string | null; gateway: string | null } | null = null;
    for (const [lo, hi] of SPLIT_PAIRS[family]) {
      const a = fam.find((r) => r.destination === lo);
      const b = fam.find((r) => r.destination === hi);
      if (a && b && a.iface === b.iface) split = { iface: a.iface, gateway: a.gateway };
    }
    const effective = split ?? (primary ? { iface: primary.iface, gateway: primary.gateway } : null);
    const tunnel = effective && kindOf(effective.iface) === 'vpn-tunnel' ? effective.iface : null;
    return {
      family,
      iface: effective?.iface ?? null,
      gateway: effective?.gateway ?? null,
      capturedBy: tunnel,
      captureStyle: tunnel ? (split ? 'split' : 'default') : null,
    };
  });
}
