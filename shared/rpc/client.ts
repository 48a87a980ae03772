/** The UI's side of the contract: turns any transport into a typed GapscopeApi, generically. */
import { contract, type EventName, type EventPayload, type GapscopeApi } from '../contract';
import { GapscopeError } from '../errors';
import type { Outcome } from './envelope';

/** What a transport must offer: send a call, and deliver pushed events. */
export interface Transport {
  call(method: string, args: unknown[]): Promise<Outcome>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

/** Builds the typed API over a transport: each contract request becomes an async method. */
export function createApiClient(transport: Transport): GapscopeApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.onEvent((name, payload) => {
    for (const l of listeners.get(name) ?? []) l(payload);
  });
  const api: Record<string, unknown> = {
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
  };
  for (const method of Object.keys(contract.requests)) {
    api[method] = async (...args: unknown[]) => {
      const outcome = await transport.call(method, args);
      if (outcome.ok) return outcome.value ?? undefined;
      throw new GapscopeError(outcome.error.code, outcome.error.message, outcome.error.field);
    };
  }
  return api as GapscopeApi;
}
