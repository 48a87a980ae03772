/** Network context: the back-end service behind the contract's network requests. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { release } from 'node:os';
import type { networkRequests, SilentStream } from '../../shared/contract/network';
import { GapscopeError } from '../../shared/errors';
import type { FeatureService, ServiceContext } from '../kernel/services';
import { checkConnection, udpProbe } from './connectionCheck';
import { NetworkWatcher } from './networkWatcher';
import { SystemNetwork } from './systemNetwork';
import { localNetworkSilenceCause, looksLikeLocalNetworkSilence } from '../../shared/network/explain';
import type { SilenceCause } from '../../shared/network/windowsFirewall';
import { addFirewallRule, FIREWALL_NOT_ADDED, firewallSilenceCauses } from './windowsFirewall';

/** Options for tests and the CLI. */
export interface NetworkServiceOptions {
  reader?: SystemNetwork;
  /** Start watching at once (default: yes, unless GAPSCOPE_NETWORK_WATCH=0). */
  autoStart?: boolean;
  intervalMs?: number;
  /** The firewall's causes for a silent stream (Windows; none elsewhere), replaced in tests. */
  firewallCauses?: () => Promise<SilenceCause[]>;
  /** Adds Gapscope's firewall rule after one elevation (Windows), replaced in tests. */
  addFirewallRule?: () => Promise<boolean>;
  /** The OS's platform and release, for the macOS Local Network question. */
  os?: { platform: string; release: string };
}

/** Resolves a host to an address, or fails with one clear error. */
export async function resolveHost(host: string): Promise<string> {
  const bare = host.replace(/%.*$/, '');
  if (isIP(bare)) return host;
  try {
    return (await lookup(host)).address;
  } catch (e) {
    throw new GapscopeError('not-found', `Could not resolve ${host} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

/** Creates the service that answers this feature's contract requests; the watcher runs while the back end runs. */
export function createNetworkService(ctx: ServiceContext, options: NetworkServiceOptions = {}): FeatureService<keyof typeof networkRequests> & { watcher: NetworkWatcher } {
  const reader = options.reader ?? new SystemNetwork();
  const watcher = new NetworkWatcher({
    reader,
    intervalMs: options.intervalMs,
    post: (e) => ctx.timeline.post(e),
    onChange: (c) => ctx.emit('networkChange', c),
  });
  const autoStart = options.autoStart ?? process.env.GAPSCOPE_NETWORK_WATCH !== '0';
  if (autoStart) void watcher.start().catch(() => undefined);
  const status = () => ({ watching: watcher.watching, intervalMs: watcher.interval });
  const silenceCauses = async (stream: SilentStream): Promise<SilenceCause[]> => {
    const os = options.os ?? { platform: process.platform, release: release() };
    const causes: SilenceCause[] = [];
    if (looksLikeLocalNetworkSilence({ ...stream, platform: os.platform, osRelease: os.release })) causes.push(localNetworkSilenceCause());
    if (stream.packets === 0) causes.push(...(await (options.firewallCauses ?? (() => firewallSilenceCauses(os.platform)))()));
    return causes;
  };

  return {
    watcher,
    handlers: {
      silenceCauses,
      allowInFirewall: async (stream) => {
        const os = options.os ?? { platform: process.platform, release: release() };
        if (os.platform !== 'win32') throw new GapscopeError('unsupported', 'Only Windows has Windows Defender Firewall rules to add.');
        if (!(await (options.addFirewallRule ?? (() => addFirewallRule()))())) throw new GapscopeError('permission-denied', FIREWALL_NOT_ADDED);
        ctx.timeline.post({ source: 'network', kind: 'firewall-rule-added', severity: 'info', summary: 'Windows Defender Firewall: Gapscope may receive UDP on domain and private networks', detail: {} });
        return silenceCauses(stream);
      },
      getNetworkSnapshot: (opts) => watcher.snapshot(opts?.fresh ?? false),
      getRoutes: async () => {
        const s = await watcher.snapshot(true);
        return { routes: s.routes, defaults: s.defaults };
      },
      routeTo: async (host) => ({ ...(await reader.routeTo(await resolveHost(host))), host }),
      getWifi: () => reader.wifi(),
      connectTest: (args) => checkConnection({ ...args, reader }),
      udpProbe: (args) => udpProbe(args),
      startNetworkWatch: async (opts) => {
        await watcher.start(opts?.intervalMs);
        return status();
      },
      stopNetworkWatch: () => {
        watcher.stop();
        return status();
      },
      getNetworkHistory: () => ({ ...status(), points: watcher.history(), changes: watcher.recentChanges() }),
    },
    close: () => watcher.stop(),
  };
}
