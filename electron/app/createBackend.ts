/** Assembles the back end from its features: the one composition root; the desktop app, web mode and CLI all start here. */
import { EventEmitter } from 'node:events';
import type { AppInfo, EventName, EventPayload, GapscopeService } from '../../shared/contract';
import { createAgentService } from '../agents/agentService';
import { createCaptureService } from '../capture/captureService';
import { createDnsService } from '../dns/dnsService';
import { createBonjourService } from '../bonjour/bonjourService';
import { listInterfaces } from '../network/interfaces';
import { createNetworkService } from '../network/networkService';
import { SystemNetwork } from '../network/systemNetwork';
import { createSessionService } from '../sessions/sessionService';
import { createSettingsService } from '../settings/settingsStore';
import { createReceptionService } from '../reception/receptionService';
import { createSenderService } from '../sender/senderService';
import type { Backend, BackendEventListener, BackendOptions } from '../kernel/backend';
import { HealthWatch } from '../kernel/healthWatch';
import type { ServiceContext } from '../kernel/services';
import { TimelineLog } from '../kernel/timeline';
import { appVersion } from '../kernel/version';
import { GapscopeError } from '../../shared/errors';

/** What choosePath answers where no dialog can be shown (web mode, the CLI). */
export const NO_DIALOG_MESSAGE = 'This window cannot show the system\'s file dialogs: type the path instead (downloads go through the browser).';

/** Creates the back end with every feature wired to one event stream, each given what it needs. */
export async function createBackend(options: BackendOptions & { workerPath?: string }): Promise<Backend> {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const emit: BackendEventListener = (name, payload) => {
    events.emit('event', name, payload);
  };
  const timeline = new TimelineLog();
  const stopTimeline = timeline.subscribe((e) => emit('timelineEvent', e));
  const ctx: ServiceContext = { emit, timeline, dataDir: options.dataDir, mode: options.mode };

  const health = new HealthWatch();
  const info: AppInfo = { version: appVersion(), platform: `${process.platform}-${process.arch}`, mode: options.mode };
  // Reception reads the Wi-Fi link's timing with the network readers' own code, from a reader of its own.
  const wifiReader = new SystemNetwork();
  const reception = createReceptionService(ctx, { interfaces: listInterfaces, workerPath: options.workerPath, wifiTiming: (iface) => wifiReader.wifiTiming(iface) });
  const dns = createDnsService(ctx);
  const bonjour = createBonjourService(ctx);
  // Recordings take the streams from reception, and the Bonjour browser's mDNS traffic and the DNS probes' datagrams through their hooks.
  const sessions = createSessionService(ctx, {
    streams: reception.streams,
    sources: { mdnsPackets: bonjour.bonjour.subscribePackets.bind(bonjour.bonjour), dnsDatagrams: dns.subscribeDatagrams },
  });
  // Reception first: closing it stops the streams (and so their recordings) before sessions writes its last session.json.
  const settings = createSettingsService(ctx);
  const network = createNetworkService(ctx, options.watchNetwork === false ? { autoStart: false } : {});
  const sender = createSenderService(ctx, listInterfaces);
  const capture = createCaptureService(ctx, reception.streams);
  // Agents answer the stream requests for their streams (`<id>@<agent>`) and hand the rest to reception.
  const agents = createAgentService(ctx, { local: reception.handlers, reachSaved: options.reachAgents === true });
  const features = [agents, reception, settings, dns, bonjour, network, sessions, sender, capture] as const;

  const service: GapscopeService = {
    getAppInfo: () => info,
    getHealth: () => health.read(),
    listTimelineEvents: (afterId) => timeline.list(afterId),
    choosePath: options.choosePath ?? (() => Promise.reject(new GapscopeError('unsupported', NO_DIALOG_MESSAGE))),
    ...reception.handlers,
    ...settings.handlers,
    ...dns.handlers,
    ...bonjour.handlers,
    ...network.handlers,
    ...sessions.handlers,
    ...sender.handlers,
    ...capture.handlers,
    ...agents.handlers,
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
      for (const f of features) await f.close?.();
    },
  };
}
