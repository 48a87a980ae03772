/**
 * The one contract between the UI and the back end: every request the UI can make and every
 * event the back end pushes, merged from one file per feature. Electron IPC and the web mode's
 * WebSocket bind it with the same generic code (shared/rpc), and the back end validates every
 * request's arguments against it. Feature files never import this index (no import circle).
 */
import type { z } from 'zod';
import { agentsEvents, agentsRequests } from './agents';
import { appEvents, appRequests } from './app';
import { bonjourEvents, bonjourRequests } from './bonjour';
import { captureEvents, captureRequests } from './capture';
import { dnsEvents, dnsRequests } from './dns';
import { networkEvents, networkRequests } from './network';
import { receptionEvents, receptionRequests } from './reception';
import { senderEvents, senderRequests } from './sender';
import { sessionsEvents, sessionsRequests } from './sessions';

export * from './app';
export * from './reception';
export type { ErrorInfo } from '../errors';

/** Everything the UI can ask and hear. A feature adds entries in its file under shared/contract/ and one service in electron/. */
export const contract = {
  requests: {
    ...appRequests,
    ...receptionRequests,
    ...dnsRequests,
    ...bonjourRequests,
    ...networkRequests,
    ...sessionsRequests,
    ...senderRequests,
    ...captureRequests,
    ...agentsRequests,
  },
  events: {
    ...appEvents,
    ...receptionEvents,
    ...dnsEvents,
    ...bonjourEvents,
    ...networkEvents,
    ...sessionsEvents,
    ...senderEvents,
    ...captureEvents,
    ...agentsEvents,
  },
} as const;
/** Names of the requests. */
export type RequestName = keyof typeof contract.requests;
/** Names of the events. */
export type EventName = keyof typeof contract.events;
/** Arguments of a request as the caller gives them. */
export type RequestArgs<K extends RequestName> = z.input<(typeof contract.requests)[K]['args']>;
/** Arguments of a request after validation. */
export type ValidArgs<K extends RequestName> = z.output<(typeof contract.requests)[K]['args']>;
/** What a request resolves to. */
export type RequestResult<K extends RequestName> = (typeof contract.requests)[K]['result'];
/** What an event carries. */
export type EventPayload<E extends EventName> = (typeof contract.events)[E]['payload'];

/** What the UI holds: every request as an async method, and a way to listen to events. */
export type GapscopeApi = { [K in RequestName]: (...args: RequestArgs<K>) => Promise<RequestResult<K>> } & {
  /** Listens to one event; returns the function that stops listening. */
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** What the back end implements: every request with validated arguments. */
export type GapscopeService = { [K in RequestName]: (...args: ValidArgs<K>) => Promise<RequestResult<K>> | RequestResult<K> };
