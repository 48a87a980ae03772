// The sender binding: the list read at each connection, events kept from start-up, and a refused
// start shown in the store with the panel usable again.
import { beforeEach, describe, expect, it } from 'vitest';
import type { GapscopeApi } from '../../../shared/contract';
import type { SenderInfo } from '../../../shared/contract/sender';
import { GapscopeError } from '../../../shared/errors';
import { createAppStore, type AppStore } from '../../store/store';
import { bindSender } from './senderBinding';

const info = (id: string, status: SenderInfo['status'] = 'sending'): SenderInfo => ({ id, status, sent: 0 }) as unknown as SenderInfo;

function fakeApi() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: string[] = [];
  let refuse: GapscopeError | null = null;
  const api = {
    on: (name: string, l: (p: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set.add(l));
      return () => set.delete(l);
    },
    listSenders: async () => (calls.push('listSenders'), [info('a')]),
    startSender: async () => {
      calls.push('startSender');
      if (refuse) throw refuse;
      return info('b');
    },
    removeSender: async (id: string) => void calls.push(`removeSender ${id}`),
  } as unknown as GapscopeApi;
  return { api, calls, emit: (name: string, p: unknown) => listeners.get(name)?.forEach((l) => l(p)), refuse: (e: GapscopeError) => (refuse = e), listeners: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('sender binding', () => {
  let store: AppStore;
  const sender = () => store.getState().sender;
  beforeEach(() => {
    store = createAppStore();
  });

  it('reads the list when the back end connects and follows the events', async () => {
    const fake = fakeApi();
    const { dispose } = bindSender(fake.api, store);
    await settle();
    expect(fake.calls).toEqual([]);
    store.getState().setConnection('open');
    await settle();
    expect(sender().order).toEqual(['a']);
    fake.emit('senderStatus', info('c'));
    fake.emit('senderStatus', info('a', 'stopped'));
    expect(sender().order).toEqual(['a', 'c']);
    expect(sender().senders.a!.status).toBe('stopped');
    fake.emit('senderRemoved', { id: 'a' });
    expect(sender().order).toEqual(['c']);
    dispose();
    expect(fake.listeners()).toBe(0);
  });

  it('starts and removes senders; a refused start says why and leaves the panel usable', async () => {
    const fake = fakeApi();
    const { commands } = bindSender(fake.api, store);
    expect(await commands.start({ to: '10.0.0.2:4000' } as never)).toBe(true);
    expect(sender().order).toEqual(['b']);
    fake.refuse(new GapscopeError('invalid-argument', 'The port must be 1-65535.', 'port'));
    expect(await commands.start({ to: '10.0.0.2:0' } as never)).toBe(false);
    expect(sender()).toMatchObject({ busy: false, error: { code: 'invalid-argument', message: 'The port must be 1-65535.', field: 'port' } });
    await commands.remove('b');
    expect(fake.calls.at(-1)).toBe('removeSender b');
    expect(sender()).toMatchObject({ order: [], error: null });
  });
});
