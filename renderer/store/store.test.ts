// whileShown and whileConnected: a tab's binding reads when the tab is on screen with the back end connected, once
// per showing (even when what it reads lands in the store at once), and stops when either goes.
import { beforeEach, describe, expect, it } from 'vitest';
import { createAppStore, whileConnected, whileShown, type AppStore } from './store';

describe('whileShown', () => {
  let store: AppStore;
  let log: string[];
  beforeEach(() => {
    store = createAppStore();
    log = [];
  });

  const watchDns = () =>
    whileShown(store, 'dns', () => {
      log.push('show');
      store.getState().dns.setSearchName('changed while showing'); // a store change inside show()
      return () => log.push('hide');
    });

  it('shows when the tab is on screen and the connection open, once each time, and hides when either goes', () => {
    const stop = watchDns();
    store.getState().showView('dns');
    expect(log).toEqual([]);
    store.getState().setConnection('open');
    expect(log).toEqual(['show']);
    store.getState().showView('network');
    store.getState().showView('dns');
    store.getState().setConnection('closed');
    store.getState().setConnection('open');
    expect(log).toEqual(['show', 'hide', 'show', 'hide', 'show']);
    stop();
    expect(log.at(-1)).toBe('hide');
    store.getState().showView('network');
    store.getState().showView('dns');
    expect(log).toHaveLength(6);
  });

  it('shows at once when bound while the tab is already on screen', () => {
    store.getState().setConnection('open');
    store.getState().showView('dns');
    watchDns();
    expect(log).toEqual(['show']);
  });
});

describe('whileConnected', () => {
  it('loads at each connection, whatever the tab', () => {
    const store = createAppStore();
    let loads = 0;
    whileConnected(store, () => void loads++);
    expect(loads).toBe(0);
    store.getState().setConnection('open');
    store.getState().showView('dns');
    expect(loads).toBe(1);
    store.getState().setConnection('closed');
    store.getState().setConnection('connecting');
    store.getState().setConnection('open');
    expect(loads).toBe(2);
  });
});
