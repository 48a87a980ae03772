/** Network context: the back-end service behind the contract's network requests. */
import type { networkRequests } from '../../shared/contract/network';
import type { FeatureService, ServiceContext } from '../app/services';

/** Creates the service that answers this feature's contract requests. */
export function createNetworkService(_ctx: ServiceContext): FeatureService<keyof typeof networkRequests> {
  return { handlers: {} };
}
