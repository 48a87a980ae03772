/**
 * Feeds a GapscopeMetrics from a back end through the contract (the same API a window or the
 * CLI holds): its events as they come, and at start what ran before (streams, the DNS watch,
 * Bonjour types), so serve's /metrics counts a stream the page started before the first scrape.
 */
import type { GapscopeApi } from '../../shared/contract';
import { GapscopeMetrics } from '../../shared/metrics/gapscopeMetrics';
import { appVersion } from '../kernel/version';

/** A collector bound to a back end's API, and how to unbind it. */
export interface MetricsFeed {
  metrics: GapscopeMetrics;
  close(): void;
}

/** Subscribes first, then reads the current state, so nothing that happens in between is missed. */
export async function feedMetrics(api: GapscopeApi, now: () => number = Date.now): Promise<MetricsFeed> {
  const metrics = new GapscopeMetrics(appVersion(), now);
  const offs = [
    api.on('streamStatus', (info) => metrics.onStreamInfo(info)),
    api.on('streamUpdate', (u) => metrics.onStreamUpdate(u)),
    api.on('streamRemoved', ({ id }) => metrics.onStreamRemoved(id)),
    api.on('dnsWatchUpdate', (u) => metrics.onDnsWatchUpdate(u)),
    api.on('bonjourTypes', (types) => metrics.onServiceTypes(types)),
    api.on('bonjourStatus', ({ status }) => metrics.onBrowsing(status.browsing)),
    api.on('networkChange', (c) => metrics.onNetworkChange(c)),
  ];
  for (const info of await api.listStreams()) {
    if (info.origin !== undefined && info.origin !== 'live') continue;
    metrics.onStreamState(await api.getStreamState(info.id));
  }
  metrics.onDnsWatchState(await api.getDnsWatch());
  const bonjour = await api.listServices();
  metrics.onBrowsing(bonjour.status.browsing);
  metrics.onServiceTypes(bonjour.types);
  return { metrics, close: () => offs.forEach((off) => off()) };
}
