/** The contract over an agent's /api WebSocket for tests: the app's own link (agentLink.ts), held until it connects once. */
import type { GapscopeApi } from '../../../shared/contract';
import { AgentLink } from '../../agents/agentLink';

/** A connected client and how to close it. */
export interface AgentClient {
  api: GapscopeApi;
  close(): void;
}

/** Attaches to ws://host:port/api with the token as the app does; resolves once the agent answers, rejects with the link's reason at the first failure. */
export function connectToAgent(url: string, token: string): Promise<AgentClient> {
  return new Promise((resolve, reject) => {
    const link: AgentLink = new AgentLink(
      { id: 'test', name: 'test', url, token },
      {
        onState: (info) => {
          if (info.state !== 'unreachable') return;
          link.close();
          reject(new Error(info.reason ?? 'unreachable'));
        },
        onConnected: async (api) => resolve({ api, close: () => link.close() }),
        onEvent: () => undefined,
      },
    );
  });
}
