/** The Import tab: a capture file's UDP flows, one imported into Reception with the same analysis as live, and two captures compared on one time axis. */
import { useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MissingPacket } from '../../../shared/capture/compare';
import type { UdpFlow } from '../../../shared/capture/flows';
import { formatTick, timeTicks } from '../../../shared/chart/ticks';
import { useFeature } from '../../app/api';
import { useChartColors } from '../../app/theme';
import { ErrorFor, ErrorMessage } from '../../components/ErrorMessage';
import { formatByteRate, formatBytes, formatCount, formatDateTime, formatStreamTime } from '../../format';
import { useApp } from '../../store/store';
import { DECODE_CHOICES } from '../reception/setupForm';
import { comparePoints, flowRows, MISSING_SHOWN, progressText } from './importViewModel';
import './import.css';
import { ChoosePathButton } from '../../components/ChoosePathButton';

// Which input a field of importCapture is typed in, so that a refusal goes beside it (the rest shows under the path).
const IMPORT_FIELDS = { gapMs: 'gapMs' } as const;

/** The Import tab's content. */
export function ImportView() {
  return (
    <div className="tab-page" data-testid="import-view">
      <ImportCard />
      <CompareCard />
    </div>
  );
}

function Progress() {
  const { cancel } = useFeature('import');
  const busy = useApp((s) => s.import.busy);
  const progress = useApp((s) => s.import.progress);
  if (!busy) return null;
  const p = progress ? progressText(progress) : { text: 'starting…', fraction: 0 };
  return (
    <div className="imp-progress" data-testid="import-progress" data-value={p.fraction.toFixed(3)}>
      <progress max={1} value={p.fraction} aria-label="Reading the capture" />
      <span className="muted small">{p.text}</span>
      <button type="button" className="small-button" data-testid="import-cancel" onClick={() => void cancel()}>
        Cancel
      </button>
    </div>
  );
}

function ImportCard() {
  const { listFlows, importFlow } = useFeature('import');
  const s = useApp((x) => x.import);
  const rows = useMemo(() => (s.listed ? flowRows(s.listed.flows, s.listed.capture.firstFrameMs) : []), [s.listed]);
  const busy = s.busy !== null;
  const list = (e: React.FormEvent) => {
    e.preventDefault();
    void listFlows();
  };
  const capture = s.listed?.capture;
  return (
    <section className="card" data-testid="import-card">
      <div className="card-head">
        <h2>Import a capture</h2>
        <span className="muted small">.pcap or .pcapng from Wireshark or tcpdump, plain or gzip</span>
      </div>
      <form className="imp-path" onSubmit={list}>
        <label className="field">
          <span>Capture file (a path on the machine running Gapscope)</span>
          <input
            type="text"
            value={s.path}
            placeholder="/home/me/captures/sender.pcapng"
            spellCheck={false}
            data-testid="import-path"
            onChange={(e) => s.set({ path: e.target.value })}
          />
        </label>
        <ChoosePathButton request={{ purpose: 'open-capture' }} onChosen={(path) => s.set({ path })} testId="import-choose" />
        <button type="submit" className="primary" disabled={busy || s.path.trim() === ''} data-testid="import-list">
          List flows
        </button>
      </form>
      <p className="muted small">
        The file is read where Gapscope's back end runs (in web mode, on that machine), so type its full path there. <SessionPicker field="path" testId="import-session" />
      </p>
      {s.busy === 'list' || s.busy === 'import' ? <Progress /> : null}
      {s.error && <ErrorMessage error={s.error} fieldOf={IMPORT_FIELDS} testId="import-error" />}
      {capture && (
        <div data-testid="import-flows" data-count={rows.length}>
          <p className="muted small" data-testid="import-summary">
            {capture.format ?? 'unknown format'}
            {capture.compressed ? ' (gzip)' : ''} · {formatBytes(capture.fileBytes)} · {formatCount(capture.frames)} frames · {formatCount(capture.extract.udpDatagrams)} UDP datagrams in {formatCount(rows.length)} flows
          </p>
          {capture.warnings.map((w) => (
            <div key={w.kind} className="warning" role="status" data-testid="import-warning" data-kind={w.kind}>
              {w.message}
              {w.count > 1 ? ` (${formatCount(w.count)} times)` : ''}
            </div>
          ))}
          {rows.length === 0 ? (
            <p className="empty-state" data-testid="import-no-flows">
              No UDP flows in this file.
            </p>
          ) : (
            <div className="table-scroll imp-flows">
              <table>
                <thead>
                  <tr>
                    <th />
                    <th>Source</th>
                    <th />
                    <th>Destination</th>
                    <th className="num">Packets</th>
                    <th className="num">Bytes</th>
                    <th className="num">First (s)</th>
                    <th className="num">Last (s)</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id} data-testid="import-flow-row" data-flow={r.id} data-packets={r.packets} className={s.flow === r.id ? 'selected' : ''} onClick={() => s.set({ flow: r.id })}>
                      <td>
                        <input type="radio" name="import-flow" checked={s.flow === r.id} onChange={() => s.set({ flow: r.id })} aria-label={`Import ${r.id}`} />
                      </td>
                      <td className="mono">{r.source}</td>
                      <td aria-hidden="true">→</td>
                      <td className="mono">{r.destination}</td>
                      <td className="num">{formatCount(r.packets)}</td>
                      <td className="num">{formatBytes(r.bytes)}</td>
                      <td className="num">{r.firstSec.toFixed(3)}</td>
                      <td className="num">{r.lastSec.toFixed(3)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {rows.length > 0 && (
            <div className="imp-options">
              <DecodeAndBin label="Payload decoding" choice={(d) => d.label} testIds={['import-decode', 'import-bin']} decode={s.decode} binMs={s.binMs} onChange={(decode, binMs) => s.set({ decode, binMs })} />
              <label className="field">
                <span>Gap threshold (ms, empty = automatic)</span>
                <input type="number" min={1} value={s.gapMs} placeholder="automatic" data-testid="import-gap" onChange={(e) => s.set({ gapMs: e.target.value })} />
                <ErrorFor error={s.error} fieldOf={IMPORT_FIELDS} field="gapMs" testId="import-error" />
              </label>
              <button type="button" className="primary" disabled={busy || !s.flow} data-testid="import-button" onClick={() => void importFlow()}>
                Import into Reception
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function CompareCard() {
  const { listCompareFlows, runCompare } = useFeature('import');
  const s = useApp((x) => x.import);
  const busy = s.busy !== null;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void runCompare();
  };
  return (
    <section className="card" data-testid="compare-card">
      <div className="card-head">
        <h2>Compare two captures</h2>
        <span className="muted small">e.g. one made at the sender and one at the receiver: the same flow on one time axis</span>
      </div>
      <form className="imp-compare-form" onSubmit={submit}>
        <label className="field">
          <span>A (e.g. at the sender)</span>
          <input type="text" value={s.pathA} spellCheck={false} placeholder="/path/to/a.pcapng" data-testid="compare-path-a" onChange={(e) => s.set({ pathA: e.target.value })} />
          <ChoosePathButton request={{ purpose: 'open-capture' }} onChosen={(pathA) => s.set({ pathA })} testId="compare-choose-a" />
          <SessionPicker field="pathA" testId="compare-session-a" />
        </label>
        <label className="field">
          <span>B (e.g. at the receiver)</span>
          <input type="text" value={s.pathB} spellCheck={false} placeholder="/path/to/b.pcapng" data-testid="compare-path-b" onChange={(e) => s.set({ pathB: e.target.value })} />
          <ChoosePathButton request={{ purpose: 'open-capture' }} onChosen={(pathB) => s.set({ pathB })} testId="compare-choose-b" />
          <SessionPicker field="pathB" testId="compare-session-b" />
        </label>
        <div className="imp-options">
          <button type="button" disabled={busy || s.pathA.trim() === ''} data-testid="compare-list" onClick={() => void listCompareFlows()}>
            List flows
          </button>
          <FlowSelect label="Flow in A" none="The only flow" testId="compare-flow" value={s.compareFlow} flows={s.compareFlows?.flows} onChange={(compareFlow) => s.set({ compareFlow })} />
          <FlowSelect label="Flow in B" none="The same as in A" testId="compare-flow-b" value={s.compareFlowB} flows={s.compareFlowsB?.flows} onChange={(compareFlowB) => s.set({ compareFlowB })} />
          <DecodeAndBin
            label="Match packets by"
            choice={(d) => (d.value === 'none' ? 'Payload only' : d.value === 'auto' ? 'Sequence number if found, else payload' : `${d.label} sequence number`)}
            testIds={['compare-decode', 'compare-bin']}
            decode={s.compareDecode}
            binMs={s.compareBinMs}
            onChange={(compareDecode, compareBinMs) => s.set({ compareDecode, compareBinMs })}
          />
          <button type="submit" className="primary" disabled={busy || s.pathA.trim() === '' || s.pathB.trim() === ''} data-testid="compare-button">
            Compare
          </button>
        </div>
      </form>
      {s.busy === 'compare' || s.busy === 'compare-list' ? <Progress /> : null}
      {s.compareError && <ErrorMessage error={s.compareError} testId="compare-error" />}
      {s.compare && <CompareResult />}
    </section>
  );
}

/** Takes the capture of a recorded session (e.g. what Gapscope received) instead of a typed path. */
function SessionPicker({ field, testId }: { field: 'path' | 'pathA' | 'pathB'; testId: string }) {
  const { loadSessions, pickSession } = useFeature('import');
  const sessions = useApp((s) => s.import.sessions);
  if (sessions.length === 0) return null;
  return (
    <select className="imp-session" value="" data-testid={testId} aria-label="Take the capture of a recorded session" onFocus={() => void loadSessions()} onChange={(e) => e.target.value && void pickSession(e.target.value, field)}>
      <option value="">…or take a recorded session</option>
      {sessions.map((x) => (
        <option key={x.id} value={x.id}>
          {x.name} ({formatCount(x.packets)} packets)
        </option>
      ))}
    </select>
  );
}

/** How packets are decoded and the bin width, as both the import and the compare ask them. */
function DecodeAndBin(props: {
  label: string;
  choice: (d: (typeof DECODE_CHOICES)[number]) => string;
  testIds: [decode: string, bin: string];
  decode: string;
  binMs: number;
  onChange: (decode: string, binMs: number) => void;
}) {
  const { label, choice, testIds, decode, binMs, onChange } = props;
  return (
    <>
      <label className="field">
        <span>{label}</span>
        <select value={decode} data-testid={testIds[0]} onChange={(e) => onChange(e.target.value, binMs)}>
          {DECODE_CHOICES.map((d) => (
            <option key={d.value} value={d.value}>
              {choice(d)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Bin (ms)</span>
        <input type="number" min={10} max={10000} value={binMs} data-testid={testIds[1]} onChange={(e) => onChange(decode, Number(e.target.value) || 100)} />
      </label>
    </>
  );
}

/** A choice among a file's flows, with a first option for "no choice". */
function FlowSelect({ label, none, testId, value, flows, onChange }: { label: string; none: string; testId: string; value: string; flows: UdpFlow[] | undefined; onChange: (flow: string) => void }) {
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value)}>
        <option value="">{none}</option>
        {flows?.map((f) => (
          <option key={f.id} value={f.id}>
            {f.id} ({formatCount(f.packets)} packets)
          </option>
        ))}
      </select>
    </label>
  );
}

function ms(v: number | null): string {
  return v === null ? '–' : `${v.toFixed(3)} ms`;
}

function CompareResult() {
  const r = useApp((s) => s.import.compare)!;
  const colors = useChartColors();
  const points = useMemo(() => comparePoints(r), [r]);
  const range = { startMs: 0, endMs: Math.max(r.binMs, (r.bins.at(-1)?.startMs ?? 0) + r.binMs) };
  const ticks = useMemo(() => timeTicks(range, 8), [range.endMs]);
  const span = range.endMs - range.startMs;
  return (
    <div className="imp-result" data-testid="compare-result">
      <div
        className="tiles imp-summary"
        data-testid="compare-summary"
        data-a-packets={r.a.packets}
        data-b-packets={r.b.packets}
        data-missing-in-b={r.missingInB.count}
        data-missing-in-a={r.missingInA.count}
        data-matched={r.matched}
        data-matched-by={r.matchedBy}
      >
        <div className="tile">
          <div className="tile-label">A · {r.a.label}</div>
          <div className="tile-value">{formatCount(r.a.packets)} packets</div>
          <div className="tile-detail">
            {formatBytes(r.a.bytes)} · {r.flows.a}
          </div>
        </div>
        <div className="tile">
          <div className="tile-label">B · {r.b.label}</div>
          <div className="tile-value">{formatCount(r.b.packets)} packets</div>
          <div className="tile-detail">
            {formatBytes(r.b.bytes)} · {r.flows.b}
          </div>
        </div>
        <div className={`tile ${r.missingInB.count > 0 ? 'bad' : 'good'}`} data-testid="compare-missing-b">
          <div className="tile-label">In A, missing in B</div>
          <div className="tile-value">{formatCount(r.missingInB.count)}</div>
          <div className="tile-detail">{formatBytes(r.missingInB.bytes)}</div>
        </div>
        <div className={`tile ${r.missingInA.count > 0 ? 'bad' : 'good'}`} data-testid="compare-missing-a">
          <div className="tile-label">In B, missing in A</div>
          <div className="tile-value">{formatCount(r.missingInA.count)}</div>
          <div className="tile-detail">{formatBytes(r.missingInA.bytes)}</div>
        </div>
        <div className="tile" data-testid="compare-delay">
          <div className="tile-label">One-way delay (B − A)</div>
          <div className="tile-value">{ms(r.delayMs.median)}</div>
          <div className="tile-detail">
            p99 {ms(r.delayMs.p99)} · max {ms(r.delayMs.max)} · {formatCount(r.matched)} matched by {r.matchedBy === 'sequence' ? `sequence number (${r.a.decodedAs})` : 'payload'}
          </div>
        </div>
      </div>
      <p className="muted small">Time 0 is {formatDateTime(Date.parse(r.startedAt))}; the delay is right only if both captures' clocks agree.</p>
      <div className="chart-box" data-testid="compare-chart" data-points={points.length}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid stroke={colors.grid} vertical={false} />
            <XAxis dataKey="t" type="number" domain={[range.startMs, range.endMs]} ticks={ticks} tickFormatter={(v: number) => formatTick(v, span)} stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 12 }} />
            <YAxis yAxisId="rate" domain={[0, (max: number) => Math.max(max, 1000)]} tickFormatter={(v: number) => formatByteRate(v)} stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 11 }} width={76} />
            <YAxis yAxisId="diff" orientation="right" tickFormatter={(v: number) => formatBytes(v)} stroke={colors.loss} tick={{ fill: colors.loss, fontSize: 11 }} width={64} />
            <Tooltip
              isAnimationActive={false}
              content={({ active, payload, label }) => {
                const p = active ? (payload?.[0]?.payload as (typeof points)[number] | undefined) : undefined;
                return p ? (
                  <div className="chart-tooltip">
                    <div>{formatStreamTime(Number(label))}</div>
                    <div>A {formatByteRate(p.aRate)}</div>
                    <div>B {formatByteRate(p.bRate)}</div>
                    <div className="loss-text">
                      A − B {formatBytes(p.diff)}
                      {p.missingInB > 0 ? ` · ${p.missingInB} missing in B` : ''}
                    </div>
                  </div>
                ) : null;
              }}
            />
            <Area yAxisId="diff" type="stepAfter" dataKey="diff" stroke={colors.loss} fill={colors.loss} fillOpacity={0.15} strokeWidth={1} isAnimationActive={false} dot={false} activeDot={false} />
            <Line yAxisId="rate" type="stepAfter" dataKey="aRate" stroke={colors.line} strokeWidth={1.5} isAnimationActive={false} dot={false} activeDot={false} />
            <Line yAxisId="rate" type="stepAfter" dataKey="bRate" stroke={colors.stall} strokeWidth={1.5} strokeDasharray="5 3" isAnimationActive={false} dot={false} activeDot={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <div className="legend">
        <span aria-hidden="true" className="imp-swatch" style={{ background: colors.line }} /> A throughput <span aria-hidden="true" className="imp-swatch" style={{ background: colors.stall }} /> B throughput{' '}
        <span aria-hidden="true" className="imp-swatch" style={{ background: colors.loss }} /> A − B bytes per bin
      </div>
      <div className="tab-columns">
        <MissingTable title="In A, missing in B" testId="compare-missing-b-row" list={r.missingInB} />
        <MissingTable title="In B, missing in A" testId="compare-missing-a-row" list={r.missingInA} />
      </div>
    </div>
  );
}

function MissingTable({ title, testId, list }: { title: string; testId: string; list: { count: number; packets: MissingPacket[] } }) {
  const shown = list.packets.slice(0, MISSING_SHOWN);
  return (
    <div>
      <h3 className="imp-h3">
        {title} <span className="muted small">{list.count > shown.length ? `first ${formatCount(shown.length)} of ${formatCount(list.count)}` : formatCount(list.count)}</span>
      </h3>
      {list.count === 0 ? (
        <p className="muted small">None.</p>
      ) : (
        <div className="table-scroll imp-missing">
          <table>
            <thead>
              <tr>
                <th className="num">Time</th>
                <th className="num">Sequence</th>
                <th className="num">Size</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p, i) => (
                <tr key={i} data-testid={testId} data-sequence={p.sequence ?? ''}>
                  <td className="num">{formatStreamTime(p.atMs)}</td>
                  <td className="num">{p.sequence ?? '–'}</td>
                  <td className="num">{formatBytes(p.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
