/** Sessions: the back-end service behind the contract's session requests. */
import type { sessionsRequests } from '../../shared/contract/sessions';
import type { FeatureService, ServiceContext } from '../app/services';

/** Creates the service that answers this feature's contract requests. */
export function createSessionService(_ctx: ServiceContext): FeatureService<keyof typeof sessionsRequests> {
  return { handlers: {} };
}
