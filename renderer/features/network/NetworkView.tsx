/** The Network tab: interfaces, routes (and VPNs that capture them), Wi-Fi, a connection test explained, tunnel and socket counts over time, and the latest network changes. */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useFeature } from '../../app/api';
import { useChartColors } from '../../app/theme';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatTimeOfDay } from '../../format';
import { useApp } from '../../store/store';
import { defaultRouteText, historyRows, interfaceRows, outcomeWords } from './networkViewModel';
import './network.css';

const time = formatTimeOfDay;

/** The Network tab's content. */
export function NetworkView() {
  const error = useApp((s) => s.network.snapshotError);
  return (
    <div className="tab-page" data-testid="network-view">
      {error && <ErrorMessage error={error} testId="network-error" />}
      <InterfacesCard />
      <div className="tab-columns">
        <RoutesCard />
        <WifiCard />
      </div>
      <div className="tab-columns">
        <ConnectCard />
        <CountsCard />
      </div>
      <ChangesCard />
    </div>
  );
}

function InterfacesCard() {
  const snapshot = useApp((s) => s.network.snapshot);
  const rows = useMemo(() => interfaceRows(snapshot?.interfaces ?? []), [snapshot]);
  return (
    <section className="card" data-testid="net-interfaces">
      <div className="card-head">
        <h2>Interfaces</h2>
        <span className="muted small">{snapshot ? `${rows.length} interfaces, ${snapshot.tunnelCount} tunnels, seen ${time(snapshot.at)}` : 'reading…'}</span>
      </div>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>State</th>
              <th>MTU</th>
              <th>Addresses</th>
              <th>Flags</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name} data-testid="net-iface-row" data-name={r.name}>
                <td className="strong">{r.name}</td>
                <td>{r.kind}</td>
                <td className={r.good ? 'net-up' : 'net-down'}>{r.state}</td>
                <td className="num">{r.mtu}</td>
                <td className="mono">{r.addresses.join(' ') || '–'}</td>
                <td className="muted small">{r.flags}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RoutesCard() {
  const snapshot = useApp((s) => s.network.snapshot);
  return (
    <section className="card" data-testid="net-routes">
      <div className="card-head">
        <h2>Routes</h2>
      </div>
      {snapshot?.defaults.map((d) => (
        <p key={d.family} className={d.capturedBy ? 'warning' : ''} data-testid="net-default-route" data-family={d.family} data-captured={d.capturedBy ?? ''}>
          {defaultRouteText(d)}
        </p>
      ))}
      <details>
        <summary className="muted small">All {snapshot?.routes.length ?? 0} routes</summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Destination</th>
                <th>Gateway</th>
                <th>Interface</th>
                <th>Metric</th>
              </tr>
            </thead>
            <tbody>
              {snapshot?.routes.map((r, i) => (
                <tr key={`${r.family}${r.destination}${r.iface}${i}`}>
                  <td className="mono">{r.destination}</td>
                  <td className="mono">{r.gateway ?? 'on-link'}</td>
                  <td>{r.iface ?? '–'}</td>
                  <td className="num">{r.metric ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

function WifiCard() {
  const wifi = useApp((s) => s.network.snapshot?.wifi ?? null);
  const v = (x: number | null, unit: string): string => (x === null ? '–' : `${x}${unit}`);
  return (
    <section className="card" data-testid="net-wifi">
      <div className="card-head">
        <h2>Wi-Fi</h2>
        {wifi?.source && <span className="muted small">from {wifi.source}</span>}
      </div>
      {!wifi ? (
        <p className="muted">reading…</p>
      ) : !wifi.available ? (
        <p className="muted" data-testid="net-wifi-reason">
          {wifi.reason}
        </p>
      ) : !wifi.connected ? (
        <p>{wifi.iface ?? 'Wi-Fi'} is not connected.</p>
      ) : (
        <dl className="net-facts">
          <dt>Network</dt>
          <dd>{wifi.ssid ?? '(hidden by the OS)'}</dd>
          <dt>Access point</dt>
          <dd className="mono">{wifi.bssid ?? '–'}</dd>
          <dt>Channel</dt>
          <dd>{v(wifi.channel, '')}</dd>
          <dt>Signal</dt>
          <dd>{wifi.rssiDbm !== null ? `${wifi.rssiDbm} dBm` : v(wifi.signalPercent, '%')}</dd>
          <dt>Noise</dt>
          <dd>{v(wifi.noiseDbm, ' dBm')}</dd>
          <dt>Transmit rate</dt>
          <dd>{v(wifi.txRateMbps, ' Mbit/s')}</dd>
        </dl>
      )}
    </section>
  );
}

function ConnectCard() {
  const { connect } = useFeature('network');
  const { target, tls, connecting, result, error, setTarget, setTls } = useApp(
    useShallow(({ network: n }) => ({ target: n.target, tls: n.tls, connecting: n.connecting, result: n.connectResult, error: n.connectError, setTarget: n.setTarget, setTls: n.setTls })),
  );
  return (
    <section className="card" data-testid="net-connect">
      <div className="card-head">
        <h2>Connection test</h2>
      </div>
      <form
        className="net-connect-form"
        onSubmit={(e) => {
          e.preventDefault();
          void connect();
        }}
      >
        <input data-testid="net-connect-target" aria-label="Host and port" placeholder="host:port, e.g. 192.168.1.20:443" value={target} onChange={(e) => setTarget(e.target.value)} />
        <label className="inline">
          <input type="checkbox" data-testid="net-connect-tls" checked={tls} onChange={(e) => setTls(e.target.checked)} /> TLS
        </label>
        <button type="submit" data-testid="net-connect-button" disabled={connecting}>
          {connecting ? 'Testing…' : 'Test'}
        </button>
      </form>
      {error && <ErrorMessage error={error} testId="net-connect-error" />}
      {result && (
        <div className="net-result" data-testid="net-connect-result" data-outcome={result.outcome} data-errno={result.errno ?? ''}>
          <p>
            <strong data-testid="net-connect-outcome">{outcomeWords(result)}</strong>
            <span className="muted small">
              {' '}
              {result.errno ? `${result.errno}, ` : ''}
              {result.timeMs} ms{result.route?.iface ? ` via ${result.route.iface}${result.route.source ? ` from ${result.route.source}` : ''}` : ''}
            </span>
          </p>
          <p data-testid="net-connect-explanation">{result.explanation}</p>
          {result.localNetworkPrivacySuspected && <p className="warning">macOS Local Network privacy: grant access in System Settings &gt; Privacy &amp; Security &gt; Local Network.</p>}
          {result.tls && result.tls.handshake === 'ok' && (
            <div className="net-tls" data-testid="net-connect-tls-report">
              <p className="small">
                {result.tls.protocol}, {result.tls.cipher}; OS trust store: {result.tls.systemStoreTrusted === null ? 'not checked by this runtime' : result.tls.systemStoreTrusted ? 'accepts' : 'rejects'}
              </p>
              <ol className="net-chain">
                {result.tls.chain.map((c) => (
                  <li key={c.fingerprint256}>
                    <strong>{c.subject}</strong>
                    <span className="muted small">
                      {' '}
                      issued by {c.issuer}
                      {c.selfSigned ? ' (self-signed)' : ''}; valid {c.validFrom} – {c.validTo}
                    </span>
                    <div className="mono small">{c.fingerprint256}</div>
                  </li>
                ))}
              </ol>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function CountsCard() {
  const history = useApp((s) => s.network.history);
  const colors = useChartColors();
  const rows = useMemo(() => historyRows(history?.points ?? []), [history]);
  const last = history?.points[history.points.length - 1];
  return (
    <section className="card" data-testid="net-counts">
      <div className="card-head">
        <h2>Sockets and tunnels over time</h2>
        {last && (
          <span className="muted small" data-testid="net-counts-now">
            now: {last.udp ?? '–'} UDP, {last.tcp ?? '–'} TCP sockets, {last.tunnelCount} tunnels
          </span>
        )}
      </div>
      <div className="net-chart">
        {rows.length < 2 ? (
          <p className="muted small">Collecting… (one point per second)</p>
        ) : (
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={rows} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
              <XAxis dataKey="t" type="number" domain={['dataMin', 0]} tickFormatter={(v: number) => time((last?.at ?? 0) + v * 1000)} tick={{ fontSize: 11 }} />
              <YAxis yAxisId="s" allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
              <YAxis yAxisId="t" orientation="right" allowDecimals={false} tick={{ fontSize: 11 }} width={30} />
              <Tooltip labelFormatter={(v) => time((last?.at ?? 0) + Number(v) * 1000)} />
              <Legend />
              <Line yAxisId="s" dataKey="udp" name="UDP sockets" stroke="#2563eb" dot={false} isAnimationActive={false} />
              <Line yAxisId="s" dataKey="tcp" name="TCP sockets" stroke="#16a34a" dot={false} isAnimationActive={false} />
              <Line yAxisId="t" dataKey="tunnels" name="tunnels" stroke="#d97706" dot={false} isAnimationActive={false} type="stepAfter" />
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </section>
  );
}

function ChangesCard() {
  const changes = useApp((s) => s.network.changes);
  return (
    <section className="card" data-testid="net-changes">
      <div className="card-head">
        <h2>Network changes</h2>
        <span className="muted small">also on the reception chart&apos;s timeline</span>
      </div>
      {changes.length === 0 ? (
        <p className="muted small">No change since the back end started.</p>
      ) : (
        <ul className="net-changes">
          {[...changes].reverse().map((c) => (
            <li key={`${c.at}-${c.kind}-${c.summary}`} data-testid="net-change" data-kind={c.kind} className={c.severity === 'warning' ? 'net-change-warning' : ''}>
              <span className="mono small">{time(c.at)}</span> {c.summary}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
