/** The remote agents this back end attaches to: a form to attach one (address, token), and each one's state. */
import type { FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AgentInfo } from '../../../shared/contract/agents';
import { useFeature } from '../../app/api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useApp } from '../../store/store';
import { agentStateText } from './agentsViewModel';
import './agents.css';

/** Attach a `gapscope agent` and see whether it is reachable; its streams join the stream list. */
export function AgentsPanel() {
  const { list, form, attaching, error, setForm } = useApp(useShallow((s) => ({ list: s.agents.list, form: s.agents.form, attaching: s.agents.attaching, error: s.agents.error, setForm: s.agents.setForm })));
  const connected = useApp((s) => s.connection === 'open');
  const commands = useFeature('agents');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void commands.attach();
  };
  return (
    <section className="card agents" aria-label="Agents" data-testid="agents">
      <h2>Agents</h2>
      {list.length > 0 ? (
        <ul className="agent-list">
          {list.map((a) => (
            <AgentRow key={a.id} agent={a} onDetach={() => void commands.detach(a.id)} disabled={!connected} />
          ))}
        </ul>
      ) : null}
      <form onSubmit={submit} className="agent-form" data-testid="agent-form">
        <label>
          Name
          <input data-testid="agent-name" value={form.name} maxLength={40} placeholder="field box 1" onChange={(e) => setForm({ name: e.target.value })} />
        </label>
        <label>
          Address
          <input data-testid="agent-address" value={form.address} placeholder="10.0.0.5:9477" onChange={(e) => setForm({ address: e.target.value })} />
        </label>
        <label>
          Token
          <input data-testid="agent-token" type="password" autoComplete="off" value={form.token} onChange={(e) => setForm({ token: e.target.value })} />
        </label>
        <button type="submit" data-testid="agent-attach" disabled={attaching || !connected}>
          Attach
        </button>
      </form>
      {error ? <ErrorMessage error={error} testId="agent-error" /> : null}
    </section>
  );
}

function AgentRow({ agent, onDetach, disabled }: { agent: AgentInfo; onDetach: () => void; disabled: boolean }) {
  return (
    <li className="agent-row" data-testid="agent-item" data-agent={agent.name} data-state={agent.state}>
      <span className={`dot agent-${agent.state}`} aria-hidden="true" />
      <span className="agent-row-title">{agent.name}</span>
      <span className="agent-row-meta" data-testid="agent-state">
        {agentStateText(agent)}
      </span>
      <button type="button" data-testid="agent-detach" disabled={disabled} onClick={onDetach} title="Stop following this agent (the agent keeps running)">
        Detach
      </button>
    </li>
  );
}
