/** Where the agents' state enters the store: loaded when the back end connects, then kept by agentState events; attach and detach as commands. */
import type { GapscopeApi } from '../../../shared/contract';
import { refusalOf } from '../../app/errors';
import { whileConnected, type AppStore } from '../../store/store';

/** What the agents panel can ask the back end. */
export interface AgentsCommands {
  /** Attaches the agent in the form; true when the back end took it (the form's token is then cleared). */
  attach(): Promise<boolean>;
  detach(id: string): Promise<void>;
}

/** Binds the agents feature to the store; returns its commands and the function that unbinds. */
export function bindAgents(api: GapscopeApi, store: AppStore): { commands: AgentsCommands; dispose(): void } {
  const agents = () => store.getState().agents;
  const load = async (): Promise<void> => {
    try {
      agents().replaceAgents(await api.listAgents());
    } catch (err) {
      agents().setError(refusalOf(err));
    }
  };
  const unsubscribe = [api.on('agentState', (info) => agents().applyAgentState(info)), whileConnected(store, () => void load())];
  const commands: AgentsCommands = {
    async attach() {
      const { form } = agents();
      agents().setAttaching(true);
      agents().setError(null);
      try {
        agents().applyAgentState(await api.attachAgent(form));
        agents().setForm({ name: '', address: '', token: '' });
        return true;
      } catch (err) {
        agents().setError(refusalOf(err));
        return false;
      } finally {
        agents().setAttaching(false);
      }
    },
    async detach(id) {
      agents().setError(null);
      try {
        await api.detachAgent(id);
        agents().applyAgentState({ ...(agents().list.find((a) => a.id === id) ?? { id, name: '', url: '', state: 'unreachable', reason: null, retryAt: null, streams: 0 }), detached: true });
      } catch (err) {
        agents().setError(refusalOf(err));
      }
    },
  };
  return {
    commands,
    dispose() {
      for (const u of unsubscribe) u();
    },
  };
}
