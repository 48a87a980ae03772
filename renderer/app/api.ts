/**
 * The one start-up binding: the window's own (appBinding.ts: version, settings, timeline) and each
 * feature's binding, each bound once at start-up (main.tsx) to the API and the store, and their
 * commands for the views.
 */
import { createContext, useContext } from 'react';
import type { GapscopeApi } from '../../shared/contract';
import type { AppStore } from '../store/store';
import { bindBonjour, type BonjourCommands } from '../features/bonjour/bonjourBinding';
import { bindDns, type DnsCommands } from '../features/dns/dnsBinding';
import { bindImport, type ImportCommands } from '../features/import/importBinding';
import { bindNetwork, type NetworkCommands } from '../features/network/networkBinding';
import { bindSender, type SenderCommands } from '../features/sender/senderBinding';
import { bindSessions, type SessionsCommands } from '../features/sessions/sessionsBinding';
import { bindReception, type Commands } from '../features/reception/receptionBinding';
import { bindAlerts, type AlertsCommands } from '../features/alerts/alertsBinding';
import { bindAgents, type AgentsCommands } from '../features/agents/agentsBinding';
import { bindApp, type AppCommands } from './appBinding';

/** What each feature's view can ask of the back end, by feature. */
export interface FeatureCommands {
  app: AppCommands;
  reception: Commands;
  bonjour: BonjourCommands;
  dns: DnsCommands;
  import: ImportCommands;
  network: NetworkCommands;
  sender: SenderCommands;
  sessions: SessionsCommands;
  alerts: AlertsCommands;
  agents: AgentsCommands;
}

/** Binds every feature's events and requests to the store; returns their commands and the function that unbinds them all. */
export function bindFeatures(api: GapscopeApi, store: AppStore): { commands: FeatureCommands; dispose(): void } {
  const app = bindApp(api, store);
  const bound = {
    app,
    reception: bindReception(api, store, app.commands),
    bonjour: bindBonjour(api, store),
    dns: bindDns(api, store),
    import: bindImport(api, store),
    network: bindNetwork(api, store),
    sender: bindSender(api, store),
    sessions: bindSessions(api, store),
    alerts: bindAlerts(api, store),
    agents: bindAgents(api, store),
  };
  return {
    commands: {
      app: bound.app.commands,
      reception: bound.reception.commands,
      bonjour: bound.bonjour.commands,
      dns: bound.dns.commands,
      import: bound.import.commands,
      network: bound.network.commands,
      sender: bound.sender.commands,
      sessions: bound.sessions.commands,
      alerts: bound.alerts.commands,
      agents: bound.agents.commands,
    },
    dispose() {
      for (const b of Object.values(bound)) b.dispose();
    },
  };
}

/** The features' commands, provided once in main.tsx. */
export const FeatureContext = createContext<FeatureCommands | null>(null);

/** One feature's commands; fails loudly if a component is rendered outside the provider. */
export function useFeature<K extends keyof FeatureCommands>(name: K): FeatureCommands[K] {
  const commands = useContext(FeatureContext);
  if (!commands) throw new Error('useFeature needs a FeatureContext provider');
  return commands[name];
}
