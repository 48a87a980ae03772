/** A GapscopeApi over one feature's service, through the dispatcher, for CLI tests that replace what the feature reads from the machine. */
import { EventEmitter } from 'node:events';
import type { EventName, EventPayload, GapscopeService, RequestName } from '../../../shared/contract';
import type { BackendEventListener } from '../../kernel/backend';
import { inProcessApi } from '../../kernel/inProcessApi';
import type { FeatureService, ServiceContext } from '../../kernel/services';
import { TimelineLog } from '../../kernel/timeline';
import type { WithApi } from '../backendApi';

/** Each run gets a fresh service from `make` (closed afterwards), as each CLI command gets a fresh back end. */
export function featureApi<K extends RequestName>(make: (ctx: ServiceContext) => FeatureService<K>): WithApi {
  return async (run) => {
    const events = new EventEmitter();
    const emit: BackendEventListener = (name, payload) => void events.emit('event', name, payload);
    const ctx: ServiceContext = { emit, timeline: new TimelineLog(), dataDir: '/nonexistent', mode: 'web' };
    const feature = make(ctx);
    const api = inProcessApi({
      service: feature.handlers as unknown as GapscopeService,
      onEvent: (listener) => {
        const l = (name: EventName, payload: EventPayload<EventName>): void => listener(name, payload);
        events.on('event', l);
        return () => void events.off('event', l);
      },
    });
    try {
      return await run(api);
    } finally {
      await feature.close?.();
    }
  };
}
