/** The DNS tab: which resolvers this machine really uses, real probes to them, split-DNS comparison, the search list, the probe timeline and a load run. */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { QUERY_TYPES } from '../../../shared/dns/names';
import type { DnsProbeReport, DnsProbeResult } from '../../../shared/dns/probeTypes';
import { formatServer, type ResolverList } from '../../../shared/dns/resolverList';
import { useFeature } from '../../app/api';
import { useChartColors } from '../../app/theme';
import { ErrorFor, ErrorMessage } from '../../components/ErrorMessage';
import { useApp } from '../../store/store';
import { flagsText, groupResolvers, outcomeWords, seriesKeys, watchRows } from './dnsViewModel';
import './dns.css';

// Which input each request field is typed in, so that a refusal goes beside it.
const PROBE_FIELDS = { name: 'name', server: 'server' } as const;
const WATCH_FIELDS = { servers: 'servers', name: 'name', intervalSec: 'intervalSec' } as const;
const LOAD_FIELDS = { server: 'server', name: 'name', qps: 'qps', durationSec: 'durationSec' } as const;

const SERIES_COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#dc2626'];

function ms(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${x.toFixed(x < 10 ? 2 : 1)} ms`;
}

/** The DNS tab's content. */
export function DnsView() {
  return (
    <div className="tab-page" data-testid="dns-view">
      <ResolversCard />
      <div className="tab-columns">
        <ProbeCard />
        <SearchCard />
      </div>
      <CompareCard />
      <WatchCard />
      <LoadCard />
    </div>
  );
}

function ResolverListView({ list, primary }: { list: ResolverList; primary: boolean }) {
  const groups = groupResolvers(list);
  return (
    <div className="dns-source" data-testid="dns-source" data-source={list.source}>
      <h3>
        From {list.source} {primary && <span className="dns-badge">decides what is used</span>}
      </h3>
      {groups.map((g) => (
        <div key={g.name} className="dns-iface">
          <h4>{g.name}</h4>
          {g.scopes.map((s) => (
            <div key={s.scope} className="dns-scope">
              <span className="dns-scope-name">{s.scope}</span>
              {s.entries.map((e) => (
                <div key={e.label} className={`dns-resolver${e.inUse ? ' in-use' : ''}`} data-testid="dns-resolver">
                  <div className="dns-resolver-head">
                    <strong>{e.label}</strong>
                    <span className={e.inUse ? 'dns-used' : 'muted'}>{e.inUse ? '✓ used' : 'not used'}</span>
                    {e.matchDomains.length > 0 && <span className="muted small">for {e.matchDomains.join(', ')}</span>}
                    {e.searchDomains.length > 0 && <span className="muted small">search {e.searchDomains.join(' ')}</span>}
                    {e.multicast && <span className="muted small">multicast DNS</span>}
                  </div>
                  <p className="muted small">{e.why}</p>
                  <ul className="dns-servers">
                    {e.servers.map((sv) => (
                      <li key={sv.text} data-testid="dns-resolver-server" data-in-use={sv.inUse}>
                        <code>{sv.family ? formatServer(sv) : sv.text}</code> <span className={sv.inUse ? 'dns-used' : 'muted'}>{sv.inUse ? '✓ used' : 'not used'}</span>
                        {sv.current && <span className="dns-badge">current</span>} <span className="muted small">{sv.why}</span>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </div>
          ))}
        </div>
      ))}
      {list.warnings.map((w) => (
        <p key={w} className="warning small">
          {w}
        </p>
      ))}
    </div>
  );
}

function ResolversCard() {
  const { refreshResolvers } = useFeature('dns');
  const r = useApp((s) => s.dns.resolvers);
  const v = r.value;
  return (
    <section className="card" data-testid="dns-resolvers">
      <header className="card-head">
        <h2>Resolvers</h2>
        <span className="muted small">reading configuration sends no DNS query</span>
        <div className="toolbar">
          <button type="button" className="small-button" onClick={() => void refreshResolvers()} disabled={r.busy} data-testid="dns-refresh-resolvers">
            Refresh
          </button>
        </div>
      </header>
      {r.error && <ErrorMessage error={r.error} testId="dns-resolvers-error" />}
      {v && (
        <>
          <div className="dns-facts">
            <div>
              <span className="muted small">The system uses ({v.primarySource ?? 'no source'})</span>
              <div className="mono" data-testid="dns-servers-in-use">
                {v.serversInUse.map(formatServer).join(', ') || 'none found'}
              </div>
            </div>
            <div>
              <span className="muted small">Node&apos;s own resolver would ask (dns.getServers())</span>
              <div className="mono" data-testid="dns-node-servers">
                {v.node.servers.join(', ') || '(none)'}
              </div>
            </div>
            <div>
              <span className="muted small">
                Search domains ({v.searchRules} rules, ndots {v.ndots})
              </span>
              <div className="mono" data-testid="dns-search-domains">
                {v.searchDomains.join(' ') || '(none)'}
              </div>
            </div>
          </div>
          {v.notes.length > 0 && (
            <ul className="dns-notes" data-testid="dns-notes">
              {v.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {v.lists.map((l) => (
            <ResolverListView key={l.source} list={l} primary={l.source === v.primarySource} />
          ))}
          {v.sources.some((s) => !s.ok) && (
            <p className="muted small">
              Not read:{' '}
              {v.sources
                .filter((s) => !s.ok)
                .map((s) => s.note)
                .join(' ')}
            </p>
          )}
        </>
      )}
    </section>
  );
}

function ProbeResultView({ r }: { r: DnsProbeResult }) {
  const words = outcomeWords(r.kind, r.errno);
  const replied = r.kind === 'answer' || r.kind === 'refused';
  return (
    <div className={`dns-result kind-${r.kind}`} data-testid="dns-probe-result" data-kind={r.kind} data-server={r.server}>
      <div className="dns-result-head">
        <code>{r.server}</code>
        <strong data-testid="dns-probe-kind">{words.title}</strong>
        {replied && (
          <>
            <span data-testid="dns-probe-rtt" data-value={r.rttMs ?? ''}>
              {ms(r.rttMs)}
            </span>
            <span className="mono">{r.rcode}</span>
            <span className="muted">{r.transport.toUpperCase()}</span>
            <span className="mono muted">[{flagsText(r)}]</span>
          </>
        )}
      </div>
      <p className="small" data-testid="dns-probe-explanation">
        {r.message} <span className="muted">{words.meaning}</span>
      </p>
      {r.answers.length > 0 && (
        <table className="dns-records">
          <tbody>
            {r.answers.map((a, i) => (
              <tr key={i} data-testid="dns-probe-answer">
                <td className="mono">{a.name}</td>
                <td className="num">{a.ttl ?? ''}</td>
                <td>{a.type}</td>
                <td className="mono">{a.data}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.answers.length === 0 && r.authorities.length > 0 && (
        <p className="muted small mono">
          authority: {r.authorities.map((a) => `${a.name} ${a.type} ${a.data}`).join('; ')}
        </p>
      )}
      <p className="muted small">
        {r.edns ? `EDNS ${r.edns.version}, UDP size ${r.edns.udpPayloadSize}${r.edns.dnssecOk ? ', DO' : ''}${r.edns.options.length ? `, options ${r.edns.options.map((o) => o.code).join(' ')}` : ''}` : replied ? 'no EDNS in the reply' : ''}
        {r.truncated ? ' · the UDP reply was truncated, asked again over TCP' : ''}
        {r.ignoredReplies > 0 ? ` · ${r.ignoredReplies} stray datagram(s) ignored` : ''} · id {r.queryId}
        {r.localPort !== null ? `, local port ${r.localPort}` : ''}
      </p>
    </div>
  );
}

function ProbeCard() {
  const { probe: runProbe } = useFeature('dns');
  const [form, probe, set] = useApp(useShallow((s) => [s.dns.probeForm, s.dns.probe, s.dns.setProbeForm] as const));
  return (
    <section className="card" data-testid="dns-probe">
      <header className="card-head">
        <h2>Probe</h2>
        <span className="muted small">one real query; TCP when the reply is truncated</span>
      </header>
      <form
        className="dns-form"
        onSubmit={(e) => {
          e.preventDefault();
          void runProbe();
        }}
      >
        <label className="field">
          <span className="muted small">Name</span>
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} data-testid="dns-probe-name" spellCheck={false} />
          <ErrorFor error={probe.error} fieldOf={PROBE_FIELDS} field="name" testId="dns-probe-error" />
        </label>
        <label className="field">
          <span className="muted small">Type</span>
          <select value={form.type} onChange={(e) => set({ type: e.target.value })} data-testid="dns-probe-type">
            {QUERY_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="muted small">Ask</span>
          <select value={form.target} onChange={(e) => set({ target: e.target.value as typeof form.target })} data-testid="dns-probe-target">
            <option value="system">the system&apos;s first server</option>
            <option value="all">every server in use</option>
            <option value="server">this server:</option>
          </select>
        </label>
        {form.target === 'server' && (
          <label className="field">
            <span className="muted small">Server</span>
            <input value={form.server} placeholder="10.0.0.1, [fe80::1%en0]:53" onChange={(e) => set({ server: e.target.value })} data-testid="dns-probe-server" spellCheck={false} />
            <ErrorFor error={probe.error} fieldOf={PROBE_FIELDS} field="server" testId="dns-probe-error" />
          </label>
        )}
        <button type="submit" disabled={probe.busy} data-testid="dns-probe-button">
          {probe.busy ? 'Asking…' : 'Probe'}
        </button>
      </form>
      {probe.error && <ErrorMessage error={probe.error} fieldOf={PROBE_FIELDS} testId="dns-probe-error" />}
      {probe.value && <ProbeReport report={probe.value} />}
    </section>
  );
}

function ProbeReport({ report }: { report: DnsProbeReport }) {
  return (
    <div data-testid="dns-probe-report">
      {report.results.map((r) => (
        <ProbeResultView key={r.server} r={r} />
      ))}
      {report.comparison && (
        <p className={report.comparison.agree ? 'muted small' : 'warning small'} data-testid="dns-probe-agree" data-agree={report.comparison.agree}>
          {report.comparison.agree ? `All ${report.results.length} servers give the same answer.` : 'The servers disagree: see the comparison below.'}
        </p>
      )}
    </div>
  );
}

function CompareCard() {
  const { compare: runCompare } = useFeature('dns');
  const [compare, form] = useApp(useShallow((s) => [s.dns.compare, s.dns.probeForm] as const));
  const c = compare.value;
  const groupOf = (server: string): number => c?.comparison?.groups.findIndex((g) => g.servers.includes(server)) ?? 0;
  return (
    <section className="card" data-testid="dns-compare">
      <header className="card-head">
        <h2>Compare all resolvers</h2>
        <span className="muted small">
          the same question ({form.name || '…'} {form.type}) to every server in use: split DNS and VPN-only names show up as servers that disagree
        </span>
        <div className="toolbar">
          <button type="button" className="small-button" onClick={() => void runCompare()} disabled={compare.busy} data-testid="dns-compare-button">
            {compare.busy ? 'Asking…' : 'Compare'}
          </button>
        </div>
      </header>
      {compare.error && <ErrorMessage error={compare.error} testId="dns-compare-error" />}
      {c && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Server</th>
                <th>Outcome</th>
                <th>RTT</th>
                <th>Answer</th>
              </tr>
            </thead>
            <tbody>
              {c.results.map((r) => {
                const g = groupOf(r.server);
                return (
                  <tr key={r.server} className={g > 0 ? 'dns-differs' : ''} data-testid="dns-compare-row" data-group={g}>
                    <td className="mono">{r.server}</td>
                    <td>{outcomeWords(r.kind, r.errno).title}</td>
                    <td className="num">{ms(r.rttMs)}</td>
                    <td className="mono">{c.comparison?.groups[g]?.answer ?? (r.answers.map((a) => a.data).join(', ') || r.rcode || r.kind)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {c.comparison && !c.comparison.agree && <p className="warning small">The servers disagree (highlighted rows differ from the first group): split DNS, a VPN-only name, or a server that is down.</p>}
        </div>
      )}
    </section>
  );
}

function SearchCard() {
  const { search: runSearch } = useFeature('dns');
  const [name, search, setSearchName] = useApp(useShallow((s) => [s.dns.searchName, s.dns.search, s.dns.setSearchName] as const));
  const v = search.value;
  return (
    <section className="card" data-testid="dns-search">
      <header className="card-head">
        <h2>Search list</h2>
        <span className="muted small">why a short name resolves to something odd</span>
      </header>
      <form
        className="dns-form"
        onSubmit={(e) => {
          e.preventDefault();
          void runSearch();
        }}
      >
        <label className="field">
          <span className="muted small">Name as typed</span>
          <input value={name} placeholder="printer" onChange={(e) => setSearchName(e.target.value)} data-testid="dns-search-name" spellCheck={false} />
        </label>
        <button type="submit" disabled={search.busy} data-testid="dns-search-button">
          {search.busy ? 'Asking…' : 'Preview'}
        </button>
      </form>
      {search.error && <ErrorMessage error={search.error} testId="dns-search-error" />}
      {v && (
        <>
          <p className="muted small">
            search [{v.searchDomains.join(' ')}], ndots {v.ndots} ({v.rules} rules), asking {v.server}
          </p>
          <ol className="dns-steps">
            {v.steps.map((s) => (
              <li key={s.name} data-testid="dns-search-step" data-resolved={s.name === v.resolvedBy}>
                <code>{s.name}</code> <span className="muted">{s.result.kind === 'answer' ? `${s.result.rcode} ${s.result.answers.map((a) => a.data).join(', ')}` : outcomeWords(s.result.kind).title}</span>
                {s.name === v.resolvedBy && <strong> ← the system would use this</strong>}
              </li>
            ))}
          </ol>
          {v.resolvedBy === null && v.steps.length > 0 && <p className="warning small">No name in the list has records: the lookup fails.</p>}
          {v.notes.map((n) => (
            <p key={n} className="muted small">
              {n}
            </p>
          ))}
        </>
      )}
    </section>
  );
}

function WatchCard() {
  const { startWatch, stopWatch } = useFeature('dns');
  const [form, watch, error, set] = useApp(useShallow((s) => [s.dns.watchForm, s.dns.watch, s.dns.watchError, s.dns.setWatchForm] as const));
  const colors = useChartColors();
  const servers = useMemo(() => Object.keys(watch.samples), [watch.samples]);
  const failY = Math.max(watch.timeoutMs, 1);
  const rows = useMemo(
    () => watchRows(servers.map((s) => ({ server: s, samples: watch.samples[s] ?? [] })), watch.startedAt ?? 0, failY),
    [servers, watch.samples, watch.startedAt, failY],
  );
  const reach = watch.reachability;
  return (
    <section className="card" data-testid="dns-watch">
      <header className="card-head">
        <h2>Probe timeline</h2>
        <span className="muted small">periodic probes; a resolver that stops or starts answering goes on the shared timeline</span>
      </header>
      <form
        className="dns-form"
        onSubmit={(e) => {
          e.preventDefault();
          void startWatch();
        }}
      >
        <label className="field">
          <span className="muted small">Servers (empty: the system&apos;s)</span>
          <input value={form.servers} placeholder="10.0.0.1 1.1.1.1" onChange={(e) => set({ servers: e.target.value })} data-testid="dns-watch-servers" spellCheck={false} />
          <ErrorFor error={error} fieldOf={WATCH_FIELDS} field="servers" testId="dns-watch-error" />
        </label>
        <label className="field">
          <span className="muted small">Name</span>
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} data-testid="dns-watch-name" spellCheck={false} />
          <ErrorFor error={error} fieldOf={WATCH_FIELDS} field="name" testId="dns-watch-error" />
        </label>
        <label className="field">
          <span className="muted small">Every (s)</span>
          <input value={form.intervalSec} inputMode="decimal" onChange={(e) => set({ intervalSec: e.target.value })} data-testid="dns-watch-interval" />
          <ErrorFor error={error} fieldOf={WATCH_FIELDS} field="intervalSec" testId="dns-watch-error" />
        </label>
        {watch.running ? (
          <button type="button" onClick={() => void stopWatch()} data-testid="dns-watch-stop">
            Stop watch
          </button>
        ) : (
          <button type="submit" data-testid="dns-watch-start">
            Start watch
          </button>
        )}
      </form>
      {error && <ErrorMessage error={error} fieldOf={WATCH_FIELDS} testId="dns-watch-error" />}
      {reach && (
        <div className={`dns-reach state-${reach.state}`} data-testid="dns-reachability" data-state={reach.state}>
          <strong>{reach.text}</strong> <span className="small">{reach.because}</span>
        </div>
      )}
      {watch.verdicts.length > 0 && (
        <ul className="dns-verdicts">
          {watch.verdicts.map((v, i) => (
            <li key={v.server} data-testid="dns-watch-verdict" data-state={v.state} data-server={v.server}>
              <span className="swatch" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} /> <code>{v.server}</code> <strong>{v.text}</strong>{' '}
              <span className="muted small">
                {v.explanation} ({v.reach === 'public' ? 'beyond the LAN' : v.reach})
              </span>
            </li>
          ))}
        </ul>
      )}
      {rows.length > 0 && (
        <div className="dns-chart" data-testid="dns-watch-chart" data-points={rows.length}>
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
              <CartesianGrid stroke={colors.grid} vertical={false} />
              <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} stroke={colors.axis} tickFormatter={(t: number) => `${t}s`} />
              <YAxis stroke={colors.axis} width={56} tickFormatter={(v: number) => `${v} ms`} />
              <Tooltip formatter={(value, name) => [String(name).startsWith('fail:') ? 'no answer' : `${Number(value).toFixed(2)} ms`, String(name).replace(/^(rtt|fail):/, '')]} labelFormatter={(t) => `${String(t)} s`} />
              <Legend formatter={(name: string) => (name.startsWith('fail:') ? `${name.slice(5)} no answer` : name.slice(4))} />
              {servers.map((s, i) => {
                const k = seriesKeys(s);
                const color = SERIES_COLORS[i % SERIES_COLORS.length];
                return [
                  <Line key={k.rtt} dataKey={k.rtt} name={k.rtt} stroke={color} dot={{ r: 2 }} isAnimationActive={false} connectNulls={false} />,
                  <Scatter key={k.fail} dataKey={k.fail} name={k.fail} fill={colors.openGap} shape="cross" isAnimationActive={false} />,
                ];
              })}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}

function LoadCard() {
  const { runLoad, cancelLoad } = useFeature('dns');
  const [form, load, progress, set] = useApp(useShallow((s) => [s.dns.loadForm, s.dns.load, s.dns.loadProgress, s.dns.setLoadForm] as const));
  const r = load.value;
  return (
    <section className="card" data-testid="dns-load">
      <header className="card-head">
        <h2>Load</h2>
        <span className="muted small">a target rate for a duration against one server, from a few reused sockets with random ids</span>
      </header>
      <form
        className="dns-form"
        onSubmit={(e) => {
          e.preventDefault();
          void runLoad();
        }}
      >
        <label className="field">
          <span className="muted small">Server</span>
          <input value={form.server} placeholder="10.0.0.1" onChange={(e) => set({ server: e.target.value })} data-testid="dns-load-server" spellCheck={false} />
          <ErrorFor error={load.error} fieldOf={LOAD_FIELDS} field="server" testId="dns-load-error" />
        </label>
        <label className="field">
          <span className="muted small">Name</span>
          <input value={form.name} onChange={(e) => set({ name: e.target.value })} data-testid="dns-load-name" spellCheck={false} />
          <ErrorFor error={load.error} fieldOf={LOAD_FIELDS} field="name" testId="dns-load-error" />
        </label>
        <label className="field">
          <span className="muted small">Queries/s</span>
          <input value={form.qps} inputMode="numeric" onChange={(e) => set({ qps: e.target.value })} data-testid="dns-load-qps" />
          <ErrorFor error={load.error} fieldOf={LOAD_FIELDS} field="qps" testId="dns-load-error" />
        </label>
        <label className="field">
          <span className="muted small">Seconds</span>
          <input value={form.durationSec} inputMode="decimal" onChange={(e) => set({ durationSec: e.target.value })} data-testid="dns-load-duration" />
          <ErrorFor error={load.error} fieldOf={LOAD_FIELDS} field="durationSec" testId="dns-load-error" />
        </label>
        {load.busy ? (
          <button type="button" onClick={() => void cancelLoad()} data-testid="dns-load-cancel">
            Stop
          </button>
        ) : (
          <button type="submit" data-testid="dns-load-start">
            Run
          </button>
        )}
      </form>
      {load.busy && progress && (
        <p className="muted small" data-testid="dns-load-progress">
          {progress.elapsedS.toFixed(1)} / {progress.durationS} s: {progress.sent} sent, {progress.answered} answered, {progress.lost} lost, {progress.inFlight} in flight
        </p>
      )}
      {load.error && <ErrorMessage error={load.error} fieldOf={LOAD_FIELDS} testId="dns-load-error" />}
      {r && (
        <div data-testid="dns-load-result" data-sent={r.sent} data-answered={r.answered} data-lost={r.lost}>
          <div className="tiles dns-tiles">
            <Tile label="sent" value={r.sent.toLocaleString()} detail={`${r.achievedQps.toLocaleString()} qps for ${r.targetQps.toLocaleString()}`} />
            <Tile label="answered" value={r.answered.toLocaleString()} detail={`${r.answeredQps.toLocaleString()} qps`} />
            <Tile label="lost" value={r.lost.toLocaleString()} detail={r.late ? `${r.late} late` : 'no reply within the timeout'} />
            <Tile label="p50 / p90 / p99" value={`${ms(r.latencyMs.p50)}`} detail={`${ms(r.latencyMs.p90)} / ${ms(r.latencyMs.p99)} (max ${ms(r.latencyMs.max)})`} />
            <Tile label="back end's open files" value={`${r.fds.before ?? '?'} → ${r.fds.after ?? '?'}`} detail={`sockets ${r.fds.socketsBefore ?? '?'} → ${r.fds.socketsAfter ?? '?'}`} testId="dns-load-fds" />
          </div>
          <p className="small">
            rcodes:{' '}
            {Object.entries(r.rcodes)
              .map(([k, n]) => `${k} ${n.toLocaleString()}`)
              .join(', ') || '–'}
            {Object.keys(r.errors).length > 0 && ` · socket errors: ${Object.entries(r.errors).map(([k, n]) => `${k} ${n}`).join(', ')}`}
          </p>
          <p className="muted small">
            Open files and sockets are counted for the whole back-end process before and after the run, so other features (the watch, Bonjour, the network view) move them too; `gapscope dns load` in a terminal gives a clean count. The run itself reuses {r.sockets} UDP sockets and closes them at the end.
          </p>
          {r.heldBack && <p className="muted small">{r.maxOutstanding} queries were in flight at times, so sending waited for answers: the server or this machine is the limit, not the target rate.</p>}
        </div>
      )}
    </section>
  );
}

function Tile({ label, value, detail, testId }: { label: string; value: string; detail: string; testId?: string }) {
  return (
    <div className="tile" data-testid={testId}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      <div className="tile-detail">{detail}</div>
    </div>
  );
}
