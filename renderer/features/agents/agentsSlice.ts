/** The attached agents as the page knows them (never their tokens), and the attach form. */
import type { StateCreator } from 'zustand';
import type { AgentInfo } from '../../../shared/contract/agents';
import type { ErrorInfo } from '../../../shared/errors';

/** Everything the agents panel knows. */
export interface AgentsState {
  /** In the order they were attached. */
  list: AgentInfo[];
  form: { name: string; address: string; token: string };
  attaching: boolean;
  error: ErrorInfo | null;
  setForm(change: Partial<AgentsState['form']>): void;
  setAttaching(attaching: boolean): void;
  setError(error: ErrorInfo | null): void;
  replaceAgents(list: AgentInfo[]): void;
  /** An agent's new state, or its departure (detached). */
  applyAgentState(info: AgentInfo & { detached?: boolean }): void;
}

/** The agents part of the store. */
export interface AgentsSlice {
  agents: AgentsState;
}

/** Creates the agents slice. */
export const createAgentsSlice: StateCreator<AgentsSlice, [], [], AgentsSlice> = (set, get) => {
  const patch = (change: Partial<AgentsState>): void => set({ agents: { ...get().agents, ...change } });
  return {
    agents: {
      list: [],
      form: { name: '', address: '', token: '' },
      attaching: false,
      error: null,
      setForm: (change) => patch({ form: { ...get().agents.form, ...change } }),
      setAttaching: (attaching) => patch({ attaching }),
      setError: (error) => patch({ error }),
      replaceAgents: (list) => patch({ list }),
      applyAgentState: (info) => {
        const { list } = get().agents;
        if (info.detached) {
          patch({ list: list.filter((a) => a.id !== info.id) });
          return;
        }
        const { detached: _, ...agent } = info;
        const at = list.findIndex((a) => a.id === info.id);
        patch({ list: at < 0 ? [...list, agent] : list.map((a, i) => (i === at ? agent : a)) });
      },
    },
  };
};
