/**
 * Where the back end's network events enter the store: changes are kept from start-up; while the
 * tab is shown the snapshot follows them (a burst is one refresh) and the history is polled.
 */
import type { GapscopeApi } from '../../../shared/contract';
import { GapscopeError, type ErrorInfo } from '../../../shared/errors';
import { refusalOf } from '../../app/errors';
import { whileShown, type AppStore } from '../../store/store';
import { parseTarget } from './networkViewModel';
import type { SilenceCause } from '../../../shared/network/windowsFirewall';
import type { SilentStream } from '../../../shared/contract/network';

/** How often the shown tab reads the socket and tunnel history. */
const HISTORY_MS = 2000;
/** Changes within this much of each other are one snapshot refresh. */
const BURST_MS = 200;

/** What the Network tab can ask the back end. */
export interface NetworkCommands {
  /** Reads the snapshot again (`fresh`: from the OS now, not the watcher's last reading). */
  refresh(fresh?: boolean): Promise<void>;
  /** Tests a connection to the HOST:PORT typed in the form. */
  connect(): Promise<void>;
  /** What on this machine may keep a silent stream from receiving (Local Network privacy, Windows Firewall); [] when none, or when the back end cannot say. */
  silenceCauses(stream: SilentStream): Promise<SilenceCause[]>;
  /** Windows: adds Gapscope's firewall rule after one elevation; what is still in the way, or the refusal. */
  allowInFirewall(stream: SilentStream): Promise<{ causes: SilenceCause[] } | { error: ErrorInfo }>;
}

/** Binds the Network feature to the store; returns its commands and the function that unbinds. */
export function bindNetwork(api: GapscopeApi, store: AppStore): { commands: NetworkCommands; dispose(): void } {
  const network = () => store.getState().network;
  let shown = false;
  let burst: ReturnType<typeof setTimeout> | null = null;

  const loadHistory = async (): Promise<void> => {
    try {
      network().setHistory(await api.getNetworkHistory());
    } catch {
      // The history is a bonus; the snapshot's error says what is wrong.
    }
  };

  const commands: NetworkCommands = {
    async silenceCauses(stream) {
      try {
        return await api.silenceCauses(stream);
      } catch {
        return []; // an explanation that cannot be had is no reason for an error banner
      }
    },
    async allowInFirewall(stream) {
      try {
        return { causes: await api.allowInFirewall(stream) };
      } catch (err) {
        return { error: refusalOf(err) };
      }
    },
    async refresh(fresh = false) {
      try {
        network().setSnapshot(await api.getNetworkSnapshot({ fresh }));
      } catch (e) {
        network().setSnapshotError(refusalOf(e));
      }
    },
    async connect() {
      const { target, tls } = network();
      const t = parseTarget(target);
      if ('error' in t) return network().setConnectOutcome({ error: new GapscopeError('invalid-argument', t.error).toInfo() });
      network().setConnecting();
      try {
        network().setConnectOutcome({ result: await api.connectTest({ host: t.host, port: t.port, tls }) });
      } catch (e) {
        network().setConnectOutcome({ error: refusalOf(e) });
      }
    },
  };

  const offChange = api.on('networkChange', (c) => {
    network().addChange(c);
    if (shown && !burst) {
      burst = setTimeout(() => {
        burst = null;
        void commands.refresh();
      }, BURST_MS);
    }
  });
  const unwatch = whileShown(store, 'network', () => {
    shown = true;
    void commands.refresh(true);
    void loadHistory();
    const poll = setInterval(() => void loadHistory(), HISTORY_MS);
    return () => {
      shown = false;
      clearInterval(poll);
      if (burst) clearTimeout(burst);
      burst = null;
    };
  });

  return {
    commands,
    dispose() {
      offChange();
      unwatch();
    },
  };
}
