/** One stream in full: who it is, whether its gaps follow a pattern, its numbers, chart, gaps and packets. */
import { useShallow } from 'zustand/react/shallow';
import { formatEndpoint } from '../../../shared/net/address';
import { useCommands } from '../../app/commands';
import { formatBufferSize, formatClock, formatDuration } from '../../format';
import { streamTitle } from './stats';
import { useApp } from '../../store/store';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ExportMenu } from './ExportMenu';
import { GapTable } from './GapTable';
import { InterArrivalHistogram } from './InterArrivalHistogram';
import { PacketInspector } from './PacketInspector';
import { PeriodicityVerdict } from './PeriodicityVerdict';
import { SilenceCauses } from './SilenceCauses';
import { StatTiles } from './StatTiles';
import { ThroughputChart } from './ThroughputChart';

/** The selected stream, or a short guide when there is none. */
export function SelectedStream() {
  const id = useApp((s) => s.selectedId);
  const exists = useApp((s) => (s.selectedId ? s.streams[s.selectedId] !== undefined : false));
  if (!id || !exists) return <EmptyState />;
  return <StreamView key={id} id={id} />;
}

function EmptyState() {
  return (
    <div className="empty-state">
      <h2>No stream yet</h2>
      <p>Set up a port on the left and press Start. Gapscope then counts every packet, draws the throughput, and lists every silence longer than the gap threshold, with what arrived before it and whether the gaps follow a pattern (every N bytes or every N seconds).</p>
    </div>
  );
}

/** The whole view of one stream. */
export function StreamView({ id }: { id: string }) {
  return (
    <div className="stream-view" data-testid="stream-view" data-stream-id={id}>
      <StreamHeader id={id} />
      <PeriodicityVerdict id={id} />
      <StatTiles id={id} />
      <SilenceCauses id={id} />
      <ThroughputChart id={id} />
      <div className="grid-two">
        <GapTable id={id} />
        <InterArrivalHistogram id={id} />
      </div>
      <PacketInspector id={id} />
    </div>
  );
}

function StreamHeader({ id }: { id: string }) {
  const commands = useCommands();
  const { info, threshold, automatic, streamError, connected } = useApp(
    useShallow((s) => ({
      info: s.streams[id]?.info,
      threshold: s.streams[id]?.reception.gapThresholdMs ?? 0,
      automatic: s.streams[id]?.reception.gapThresholdAutomatic ?? true,
      streamError: s.errors.stream,
      connected: s.connection === 'open',
    })),
  );
  if (!info) return null;
  const running = info.status === 'listening' || info.status === 'starting';
  const c = info.config;
  const facts = [
    info.kind,
    info.bound ? `bound ${info.bound}` : null,
    c.iface ? `on ${c.iface}` : null,
    c.source ? `source ${c.source}` : null,
    `gap threshold ${formatDuration(threshold)}${automatic ? ' (auto)' : ''}`,
    `buffer asked ${formatBufferSize(info.recvBufferRequested)}`,
    `started ${formatClock(info.startedAt)}`,
    info.wire ? `wire ${info.wire.state}${info.wire.engine ? ` (${info.wire.engine}${info.wire.iface ? ` on ${info.wire.iface}` : ''})` : ''}` : null,
  ].filter((f): f is string => f !== null);
  return (
    <header className="stream-head">
      <div className="stream-head-main">
        <h1>
          {streamTitle(info)}
          <span className={`status ${info.status}`} data-testid="stream-status">
            {info.status}
          </span>
        </h1>
        <p className="muted">
          {c.label ? `${formatEndpoint(c.address ?? (info.family === 'ipv6' ? '::' : '0.0.0.0'), c.port)} · ` : ''}
          {facts.join(' · ')}
        </p>
      </div>
      <div className="stream-actions">
        <ExportMenu id={id} />
        {info.agent ? (
          <span className="muted" data-testid="stream-agent-note" title="Start and stop it in that agent's config">
            on the agent {info.agent.name} (read-only)
          </span>
        ) : (
          <>
            <button type="button" data-testid="stop-button" disabled={!running || !connected} onClick={() => void commands.stop(id)} title="Stop listening; the data stays (Ctrl/⌘+.)">
              Stop
            </button>
            <button type="button" data-testid="remove-button" className="danger" disabled={!connected} onClick={() => void commands.remove(id)} title={running ? 'Stop and forget this stream' : 'Forget this stream'}>
              Remove
            </button>
          </>
        )}
      </div>
      {info.error ? <ErrorMessage error={info.error} testId="stream-failure" /> : null}
      {info.warning ? (
        <div className="warning" role="status" data-testid="stream-warning">
          {info.warning.message} <code className="error-code">{info.warning.code}</code>
        </div>
      ) : null}
      {info.wire?.error ? (
        <div className="warning" role="status" data-testid="wire-warning">
          {info.wire.error.message} <code className="error-code">{info.wire.error.code}</code>
        </div>
      ) : null}
      {streamError ? <ErrorMessage error={streamError} testId="stream-error" /> : null}
    </header>
  );
}
