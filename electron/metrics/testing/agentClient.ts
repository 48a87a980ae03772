/** The contract over an agent's /api WebSocket, as a Node client: what the tests attach with. */
import WebSocket from 'ws';
import type { GapscopeApi } from '../../../shared/contract';
import type { Outcome, ServerMessage } from '../../../shared/rpc/envelope';
import { createApiClient } from '../../../shared/rpc/client';

/** A connected client and how to close it. */
export interface AgentClient {
  api: GapscopeApi;
  close(): void;
}

/** Opens ws://host:port/api with the token as a bearer token; resolves once open, rejects with the refusal's status. */
export function connectToAgent(url: string, token: string): Promise<AgentClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    const pending = new Map<number, (o: Outcome) => void>();
    const listeners = new Set<(name: string, payload: unknown) => void>();
    let next = 1;
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (m.type === 'reply') {
        pending.get(m.id)?.(m.outcome);
        pending.delete(m.id);
      } else for (const l of listeners) l(m.name, m.payload);
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.on('error', (e) => reject(e));
    ws.on('open', () => {
      const api = createApiClient({
        call: (method, args) =>
          new Promise<Outcome>((done) => {
            const id = next++;
            pending.set(id, done);
            ws.send(JSON.stringify({ type: 'call', id, method, args }));
          }),
        onEvent: (l) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
      });
      resolve({ api, close: () => ws.close() });
    });
  });
}
