/** Bonjour: the back-end service behind the contract's Bonjour requests. */
import type { bonjourRequests } from '../../shared/contract/bonjour';
import type { FeatureService, ServiceContext } from '../app/services';

/** Creates the service that answers this feature's contract requests. */
export function createBonjourService(_ctx: ServiceContext): FeatureService<keyof typeof bonjourRequests> {
  return { handlers: {} };
}
