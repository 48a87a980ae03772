/**
 * Turns the browser's stream of added/updated/removed instances into batches the UI can draw:
 * one entry per instance per batch (its latest state), and past a cap a "resync" flag instead of
 * more entries, so that a flood of records costs the UI one refetch, not thousands of renders.
 */
import type { BonjourChangeBatch } from './bonjourTypes';
import type { ServiceChange } from './serviceCache';

/** Entries per batch before the batch says "resync" instead. */
export const MAX_CHANGES_PER_BATCH = 200;

type Kind = ServiceChange['kind'];

/** What an instance's pending change becomes when another arrives before the batch is sent. */
function merge(before: Kind, after: Kind): Kind | null {
  if (before === 'added') return after === 'removed' ? null : 'added';
  if (before === 'removed') return after === 'removed' ? 'removed' : 'updated';
  return after === 'removed' ? 'removed' : 'updated';
}

/** Collects changes between flushes. */
export class ChangeBatcher {
  private readonly pending = new Map<string, ServiceChange>();
  private overflow = false;
  /** Changes merged into an earlier one of the same instance, or left out past the cap. */
  coalesced = 0;

  constructor(private readonly maxPerBatch = MAX_CHANGES_PER_BATCH) {}

  /** Takes one change. */
  add(change: ServiceChange): void {
    const key = change.instance.key;
    const before = this.pending.get(key);
    if (before) {
      this.coalesced++;
      const kind = merge(before.kind, change.kind);
      this.pending.delete(key);
      if (kind) this.pending.set(key, { kind, instance: change.instance });
      return;
    }
    if (this.pending.size >= this.maxPerBatch) {
      this.coalesced++;
      this.overflow = true;
      return;
    }
    this.pending.set(key, change);
  }

  /** Whether anything waits to be sent. */
  hasPending(): boolean {
    return this.pending.size > 0 || this.overflow;
  }

  /** The batch since the last call, or null when nothing changed. */
  take(at: number): BonjourChangeBatch | null {
    if (!this.hasPending()) return null;
    const batch: BonjourChangeBatch = { at, changes: [...this.pending.values()], resync: this.overflow };
    this.pending.clear();
    this.overflow = false;
    return batch;
  }
}
