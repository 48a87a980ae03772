/** Facts about the back end: the connection, its version, the machine's interfaces, the settings. */
import type { StateCreator } from 'zustand';
import type { AppInfo, Settings } from '../../shared/contract';
import type { NetInterface } from '../../shared/network/types';
import { NO_TROUBLE, type ConnectionDetail, type ConnectionState } from '../api/transport';
import type { StreamsSlice } from '../features/reception/streamsSlice';

/** The back-end part of the store. */
export interface BackendSlice {
  connection: ConnectionState;
  /** True once the connection has been open, so a later drop shows as lost rather than pending. */
  everConnected: boolean;
  /** The sentence the back end last closed the connection with, and when the page tries again (for the banner). */
  connectionDetail: ConnectionDetail;
  appInfo: AppInfo | null;
  interfaces: NetInterface[];
  /** Null until loaded from the back end. */
  settings: Settings | null;
  setConnection(state: ConnectionState, detail?: ConnectionDetail): void;
  setAppInfo(info: AppInfo): void;
  setInterfaces(list: NetInterface[]): void;
  setSettings(settings: Settings): void;
}

/** Creates the back-end slice. */
export const createBackendSlice: StateCreator<BackendSlice & Pick<StreamsSlice, 'packetLimit' | 'setPacketLimit'>, [], [], BackendSlice> = (set, get) => ({
  connection: 'connecting',
  everConnected: false,
  connectionDetail: NO_TROUBLE,
  appInfo: null,
  interfaces: [],
  settings: null,

  setConnection(connection, connectionDetail = NO_TROUBLE) {
    set({ connection, connectionDetail, everConnected: get().everConnected || connection === 'open' });
  },
  setAppInfo(appInfo) {
    set({ appInfo });
  },
  setInterfaces(interfaces) {
    set({ interfaces });
  },
  setSettings(settings) {
    set({ settings });
    if (settings.packetsShown !== get().packetLimit) get().setPacketLimit(settings.packetsShown);
  },
});
