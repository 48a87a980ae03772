/**
 * The Bonjour tab's state: status, types, instances (with a brief highlight when they come,
 * change or go), the selected instance's details, and our advertisements, kept by plain actions.
 */
import type { StateCreator } from 'zustand';
import type { ErrorInfo } from '../../../shared/errors';
import type { AdvertisedServiceInfo, BonjourChangeBatch, BonjourSnapshot, BonjourStatus, ServiceDetails } from '../../../shared/mdns/bonjourTypes';
import type { ServiceInstance, ServiceType } from '../../../shared/mdns/serviceCache';

/** How long a row stays highlighted after it appeared or changed, and a removed row stays (struck through) before it goes. */
export const HIGHLIGHT_MS = 1500;

/** A row: the instance, and whether it just came, changed or went. */
export interface InstanceRow {
  instance: ServiceInstance;
  flash: 'added' | 'updated' | 'removed' | null;
  flashAt: number;
}

/** What the advertise form holds as typed. */
export interface AdvertiseForm {
  name: string;
  type: string;
  port: string;
  txt: string;
}

/** Everything the Bonjour tab knows. */
export interface BonjourState {
  status: BonjourStatus | null;
  types: ServiceType[];
  rows: Record<string, InstanceRow>;
  typeFilter: string | null;
  selected: string | null;
  details: ServiceDetails | null;
  detailsError: ErrorInfo | null;
  advertised: AdvertisedServiceInfo[];
  form: AdvertiseForm;
  advertising: boolean;
  /** The last advertisement's outcome: the name that won. */
  lastAdvertised: AdvertisedServiceInfo | null;
  /** Why the last advertisement was refused; shown in the Advertise card, beside the field it names. */
  advertiseError: ErrorInfo | null;
  error: ErrorInfo | null;
  /** Change batches applied, for the flood test and the status line. */
  batches: number;
  /** Puts in a full snapshot (on show, or after a flood), keeping the rows' highlights. */
  setSnapshot(snapshot: BonjourSnapshot): void;
  setStatus(status: BonjourStatus, advertised?: AdvertisedServiceInfo[]): void;
  setTypes(types: ServiceType[]): void;
  setError(error: ErrorInfo | null): void;
  /** Applies one batch of changes in one store update, highlighting each row it touches. */
  applyChanges(batch: BonjourChangeBatch, now: number): void;
  /** Ends highlights older than HIGHLIGHT_MS and drops the rows that went; true while some highlight remains. */
  sweep(now: number): boolean;
  setTypeFilter(type: string | null): void;
  /** Selects an instance (or none); a new selection drops the previous one's details. */
  select(key: string | null): void;
  /** The details of `key` came back; ignored when the selection moved on meanwhile. */
  setDetails(key: string, outcome: { details: ServiceDetails } | { error: ErrorInfo }): void;
  setForm(change: Partial<AdvertiseForm>): void;
  setAdvertising(): void;
  setAdvertised(outcome: { info: AdvertisedServiceInfo } | { error: ErrorInfo }): void;
  withdrawn(id: string): void;
}

/** The Bonjour part of the store. */
export interface BonjourSlice {
  bonjour: BonjourState;
}

/** Creates the Bonjour slice. */
export const createBonjourSlice: StateCreator<BonjourSlice, [], [], BonjourSlice> = (set, get) => {
  const patch = (change: Partial<BonjourState>): void => set({ bonjour: { ...get().bonjour, ...change } });
  const b = () => get().bonjour;
  return {
    bonjour: {
      status: null,
      types: [],
      rows: {},
      typeFilter: null,
      selected: null,
      details: null,
      detailsError: null,
      advertised: [],
      form: { name: 'Gapscope Test', type: '_gapscope._udp', port: '4000', txt: 'v=1' },
      advertising: false,
      lastAdvertised: null,
      advertiseError: null,
      error: null,
      batches: 0,
      setSnapshot(snap) {
        const before = b().rows;
        const rows: Record<string, InstanceRow> = {};
        for (const i of snap.instances) rows[i.key] = { instance: i, flash: before[i.key]?.flash ?? null, flashAt: before[i.key]?.flashAt ?? 0 };
        patch({ status: snap.status, types: snap.types, rows, advertised: snap.advertised, error: null });
      },
      setStatus: (status, advertised) => patch(advertised ? { status, advertised } : { status }),
      setTypes: (types) => patch({ types }),
      setError: (error) => patch({ error }),
      applyChanges(batch, now) {
        const rows = { ...b().rows };
        for (const c of batch.changes) {
          if (c.kind === 'removed') {
            const r = rows[c.instance.key];
            if (r) rows[c.instance.key] = { instance: r.instance, flash: 'removed', flashAt: now };
          } else {
            rows[c.instance.key] = { instance: c.instance, flash: c.kind, flashAt: now };
          }
        }
        patch({ rows, batches: b().batches + 1 });
      },
      sweep(now) {
        let changed = false;
        let pending = false;
        const next: Record<string, InstanceRow> = {};
        for (const [k, r] of Object.entries(b().rows)) {
          if (r.flash !== null && now - r.flashAt >= HIGHLIGHT_MS) {
            changed = true;
            if (r.flash !== 'removed') next[k] = { ...r, flash: null };
          } else {
            if (r.flash !== null) pending = true;
            next[k] = r;
          }
        }
        if (changed) patch({ rows: next });
        return pending;
      },
      setTypeFilter: (typeFilter) => patch({ typeFilter }),
      select: (key) => patch(b().selected !== key ? { selected: key, details: null, detailsError: null } : { selected: key }),
      setDetails(key, outcome) {
        if (b().selected !== key) return;
        patch('details' in outcome ? { details: outcome.details, detailsError: null } : { detailsError: outcome.error });
      },
      setForm: (change) => patch({ form: { ...b().form, ...change } }),
      setAdvertising: () => patch({ advertising: true, advertiseError: null }),
      setAdvertised: (o) => patch('info' in o ? { advertising: false, lastAdvertised: o.info } : { advertising: false, advertiseError: o.error }),
      withdrawn: (id) => patch({ advertised: b().advertised.filter((a) => a.id !== id) }),
    },
  };
};
