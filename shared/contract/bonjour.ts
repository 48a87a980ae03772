/** Bonjour: the requests and events of this feature, merged into the one contract in shared/contract/index.ts. */
import { z } from 'zod';
import type { AdvertisedServiceInfo, BonjourChangeBatch, BonjourSnapshot, BonjourStatus, ServiceDetails } from '../mdns/bonjourTypes';
import type { ServiceType } from '../mdns/serviceCache';
import { event, request } from './define';
import { utf8Length } from '../mdns/advertisement';


/** A DNS-SD service type such as _http._tcp or _ipp._tcp.local, given back with its domain (.local). */
export const serviceTypeSchema = z
  .string()
  .trim()
  .max(80)
  .regex(/^_[A-Za-z0-9-]{1,63}\._(tcp|udp)(\.local)?\.?$/i, { message: 'is not a service type like _http._tcp (only the .local domain)' })
  .transform((t) => {
    const bare = t.replace(/\.$/, '');
    return /\.local$/i.test(bare) ? bare : `${bare}.local`;
  });

/** A type to advertise: service names are at most 15 characters (RFC 6335 §5.1). */
export const advertisedTypeSchema = z
  .string()
  .trim()
  .max(40)
  .regex(/^_[A-Za-z0-9-]{1,15}\._(tcp|udp)(\.local)?\.?$/i, { message: 'is not a service type like _http._tcp (name of 1–15 letters, digits or hyphens)' })
  .transform((t) => {
    const bare = t.replace(/\.$/, '');
    return /\.local$/i.test(bare) ? bare : `${bare}.local`;
  });

/** An instance name as a user types it: 1–63 bytes of UTF-8 (RFC 6763 §4.1.1), no dot, no control character. */
export const instanceNameSchema = z
  .string()
  .min(1, 'the name is empty')
  .max(63, 'the name is longer than 63 bytes')
  .refine((s) => utf8Length(s) <= 63, { message: 'the name is longer than 63 bytes of UTF-8' })
  .refine((s) => !s.includes('.'), { message: 'the name may not contain a dot (Gapscope cannot advertise dotted names yet)' })
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'the name may not contain control characters' });

/** A TXT entry, "key=value" or "key": 1–255 bytes, starting with a key (RFC 6763 §6.4). */
export const txtEntrySchema = z
  .string()
  .min(1, 'a TXT entry is empty')
  .refine((s) => utf8Length(s) <= 255, { message: 'a TXT entry is longer than 255 bytes' })
  .refine((s) => !s.startsWith('='), { message: 'a TXT entry must start with a key, not "="' });

/** An interface name as the OS gives it. */
export const bonjourIfaceSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:@-]+$/, { message: 'is not an interface name' });

/** What to browse: service types (none: every type) and interfaces (none: every multicast one). */
export const BrowseRequestSchema = z
  .object({
    types: z.array(serviceTypeSchema).max(32, 'at most 32 types').optional(),
    ifaces: z.array(bonjourIfaceSchema).max(32, 'at most 32 interfaces').optional(),
  })
  .strict();

/** A test service to publish. */
export const AdvertiseRequestSchema = z
  .object({
    name: instanceNameSchema,
    type: advertisedTypeSchema,
    port: z.number().int().min(0, 'port must be 0–65535').max(65535, 'port must be 0–65535'),
    txt: z
      .array(txtEntrySchema)
      .max(64, 'at most 64 TXT entries')
      .default([])
      .refine((t) => t.reduce((n, s) => n + utf8Length(s) + 1, 0) <= 8900, { message: 'the TXT record is longer than 8,900 bytes' }),
    /** Only this interface (default: every multicast interface). */
    iface: bonjourIfaceSchema.optional(),
  })
  .strict();

/** What startBrowse takes, as the caller gives it. */
export type BrowseRequest = z.input<typeof BrowseRequestSchema>;
/** What advertiseService takes, as the caller gives it. */
export type AdvertiseRequest = z.input<typeof AdvertiseRequestSchema>;

const instanceKey = z.string().min(1).max(400);
const advertisementId = z.string().regex(/^adv-\d{1,9}$/, 'is not an advertised service id');

/** Requests of this feature. */
export const bonjourRequests = {
  /** Starts (or changes) live browsing; idempotent. */
  startBrowse: request(z.tuple([BrowseRequestSchema.optional()])).returns<BonjourStatus>(),
  /** Stops browsing and closes its sockets; the services found stay listed until they expire. */
  stopBrowse: request(z.tuple([])).returns<BonjourStatus>(),
  /** Everything the Bonjour tab shows when it opens: status, types, instances, our advertisements. */
  listServices: request(z.tuple([])).returns<BonjourSnapshot>(),
  /** One instance in depth: its records with TTLs, and the raw packets that carried them. */
  getServiceDetails: request(z.tuple([instanceKey.describe('service')])).returns<ServiceDetails>(),
  /** Publishes a test service (probing, renaming on conflict); resolves with the name that won. */
  advertiseService: request(z.tuple([AdvertiseRequestSchema])).returns<AdvertisedServiceInfo>(),
  /** Withdraws a published service with goodbye packets. */
  withdrawService: request(z.tuple([advertisementId.describe('advertisement')])).returns<void>(),
} as const;

/** Events of this feature. */
export const bonjourEvents = {
  /** Instances that appeared, changed or went away, batched (at most about ten a second). */
  bonjourChange: event<BonjourChangeBatch>(),
  /** The list of service types changed. */
  bonjourTypes: event<ServiceType[]>(),
  /** Browsing started or stopped, sockets opened or closed, an advertisement changed state. */
  bonjourStatus: event<{ status: BonjourStatus; advertised: AdvertisedServiceInfo[] }>(),
} as const;
