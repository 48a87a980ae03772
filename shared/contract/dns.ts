/** Dns: the requests and events of this feature, merged into the one contract in shared/contract.ts. */
// import { z } from 'zod';
// import { event, request } from './define';

/** Requests of this feature (none yet). */
export const dnsRequests = {} as const;

/** Events of this feature (none yet). */
export const dnsEvents = {} as const;
