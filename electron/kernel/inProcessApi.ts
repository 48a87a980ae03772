/** The typed API over a back end in the same process: what the CLI and the tests drive, through the same door (dispatcher) as IPC and the WebSocket. */
import type { GapscopeApi } from '../../shared/contract';
import { createApiClient } from '../../shared/rpc/client';
import { createDispatcher } from '../../shared/rpc/dispatcher';
import type { Backend } from './backend';

/** Every request validated by the contract's schemas and answered as an outcome, exactly as a window's would be. */
export function inProcessApi(backend: Pick<Backend, 'service' | 'onEvent'>): GapscopeApi {
  return createApiClient({ call: createDispatcher(backend.service), onEvent: (l) => backend.onEvent(l) });
}
