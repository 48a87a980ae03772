/** Assembles the back end from its services; the desktop app, web mode and CLI all start here. */
import { EventEmitter } from 'node:events';
import type { AppInfo, EventName, EventPayload, GapscopeService } from '../../shared/contract';
import { createCaptureService } from '../capture/captureService';
import { createDnsService } from '../dns/dnsService';
import { createBonjourService } from '../bonjour/bonjourService';
import { listInterfaces } from '../network/interfaces';
import { createNetworkService } from '../network/networkService';
import { createSessionService } from '../sessions/sessionService';
import { SettingsStore } from '../settings/settingsStore';
import { ReceptionService } from '../reception/receptionService';
import { createSenderService } from '../sender/senderService';
import type { Backend, BackendEventListener, BackendOptions } from '../kernel/backend';
import { HealthWatch } from '../kernel/healthWatch';
import type { ServiceContext } from '../kernel/services';
import { TimelineLog } from '../kernel/timeline';
import { appVersion } from '../kernel/version';

/** Creates the back end with every service wired to one event stream. */
export async function createBackend(options: BackendOptions & { workerPath?: string }): Promise<Backend> {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const emit: BackendEventListener = (name, payload) => {
    events.emit('event', name, payload);
  };
  const timeline = new TimelineLog();
  const stopTimeline = timeline.subscribe((e) => emit('timelineEvent', e));
  const ctx: ServiceContext = { emit, timeline, dataDir: options.dataDir, mode: options.mode };

  const reception = new ReceptionService(emit, listInterfaces, options.workerPath);
  const settings = new SettingsStore(options.dataDir);
  const health = new HealthWatch();
  const info: AppInfo = { version: appVersion(), platform: `${process.platform}-${process.arch}`, mode: options.mode };
  const dnsFeature = createDnsService(ctx);
  const bonjourFeature = createBonjourService(ctx);
  // Recordings take the Bonjour browser's mDNS traffic and the DNS probes' datagrams through their hooks (the timeline comes with ctx).
  const recordingSources = { mdnsPackets: bonjourFeature.bonjour.subscribePackets.bind(bonjourFeature.bonjour), dnsDatagrams: dnsFeature.subscribeDatagrams };
  const features = [dnsFeature, bonjourFeature, createNetworkService(ctx, options.watchNetwork === false ? { autoStart: false } : {}), createSessionService(ctx, undefined, recordingSources), createSenderService(ctx, listInterfaces), createCaptureService(ctx, reception)] as const;
  const [dns, bonjour, network, sessions, sender, capture] = features;

  const service: GapscopeService = {
    getAppInfo: () => info,
    getHealth: () => health.read(),
    listInterfaces: () => listInterfaces(),
    startStream: (config) => reception.start(config),
    stopStream: (id) => reception.stop(id),
    removeStream: (id) => reception.remove(id),
    listStreams: () => reception.list(),
    getStreamState: (id) => reception.state(id),
    getSettings: () => settings.get(),
    updateSettings: (change) => settings.update(change),
    listTimelineEvents: (afterId) => timeline.list(afterId),
    ...dns.handlers,
    ...bonjour.handlers,
    ...network.handlers,
    ...sessions.handlers,
    ...sender.handlers,
    ...capture.handlers,
  };

  return {
    service,
    onEvent(listener) {
      const l = (name: EventName, payload: EventPayload<EventName>) => listener(name, payload);
      events.on('event', l);
      return () => events.off('event', l);
    },
    close: async () => {
      health.stop();
      stopTimeline();
      await reception.closeAll();
      for (const f of features) await f.close?.();
    },
  };
}
