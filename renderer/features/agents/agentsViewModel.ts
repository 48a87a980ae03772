/** How an agent's state reads on the page. */
import type { AgentInfo } from '../../../shared/contract/agents';

/** One line: where the agent is, its state and, while unreachable, why and when it tries again. */
export function agentStateText(a: AgentInfo, now = Date.now()): string {
  const where = a.url.replace(/^ws:\/\//, '').replace(/\/api$/, '');
  switch (a.state) {
    case 'connected':
      return `${where} · connected · ${a.streams} stream${a.streams === 1 ? '' : 's'}`;
    case 'connecting':
      return `${where} · connecting…`;
    case 'unreachable': {
      const inS = a.retryAt === null ? null : Math.max(0, Math.ceil((a.retryAt - now) / 1000));
      return `${where} · unreachable: ${a.reason ?? 'no answer.'} ${inS === null ? 'Trying again now.' : `Trying again in ${inS} s.`}`;
    }
  }
}
