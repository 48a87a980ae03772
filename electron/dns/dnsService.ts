/** DNS: the back-end service behind the contract's DNS requests. */
import type { dnsRequests } from '../../shared/contract/dns';
import type { FeatureService, ServiceContext } from '../app/services';

/** Creates the service that answers this feature's contract requests. */
export function createDnsService(_ctx: ServiceContext): FeatureService<keyof typeof dnsRequests> {
  return { handlers: {} };
}
