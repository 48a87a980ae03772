/**
 * The Bonjour tab: what is advertised over mDNS/DNS-SD on every link, live (types, one row per
 * instance even when seen on several interfaces, a brief highlight as they come, change and go),
 * one instance in depth (addresses per interface, TXT, TTLs, who answered, the raw packet, copy as
 * a dns-sd or avahi-browse command), and a test service advertised from the app.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ServiceInstance } from '../../../shared/mdns/serviceCache';
import { useFeature } from '../../app/api';
import { useApp } from '../../store/store';
import { ErrorFor, ErrorMessage } from '../../components/ErrorMessage';
import { formatTimeOfDay } from '../../format';
import { ago, avahiBrowseCommand, dnsSdCommand, hexDump, shortType, txtEntryText } from './bonjourText';
import type { InstanceRow } from './bonjourSlice';
import './bonjour.css';

// Which input each field of advertiseService is typed in, so that a refusal goes beside it.
const ADVERTISE_FIELDS = { name: 'name', type: 'type', port: 'port', txt: 'txt' } as const;

/** Rows drawn per type; a flood shows a count of the rest instead of thousands of rows. */
const MAX_ROWS = 300;

function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(t);
  }, [periodMs]);
  return now;
}

/** The Bonjour tab's content. */
export function BonjourView() {
  return (
    <div className="bonjour-view" data-testid="bonjour-view">
      <StatusCard />
      <div className="bonjour-columns">
        <TypesCard />
        <InstancesCard />
      </div>
      <DetailsCard />
      <AdvertiseCard />
    </div>
  );
}

function StatusCard() {
  const { startBrowsing, stopBrowsing } = useFeature('bonjour');
  const { status, error } = useApp(useShallow(({ bonjour: b }) => ({ status: b.status, error: b.error })));
  const open = status?.sockets.filter((s) => s.status === 'open') ?? [];
  const failed = status?.sockets.filter((s) => s.status === 'failed') ?? [];
  return (
    <section className="card">
      <div className="card-head">
        <h2>Bonjour</h2>
        <div className="toolbar">
          {status?.browsing ? (
            <button type="button" className="small-button" data-testid="bonjour-stop" onClick={() => void stopBrowsing()}>
              Stop browsing
            </button>
          ) : (
            <button type="button" className="small-button" data-testid="bonjour-start" onClick={() => void startBrowsing()}>
              Browse
            </button>
          )}
        </div>
      </div>
      <p className="muted small" data-testid="bonjour-status" data-browsing={status?.browsing ? 'true' : 'false'}>
        {status?.browsing
          ? open.length > 0
            ? `Browsing on ${open.map((s) => `${s.iface} (${s.family === 'ipv4' ? 'IPv4' : 'IPv6'})`).join(', ')}.`
            : 'Browsing, but no interface with multicast is up.'
          : 'Not browsing.'}
        {status && ` ${status.packets} packets`}
        {status && status.dropped > 0 && `, ${status.dropped} refused (malformed or hostile)`}
        {status && status.rateLimited > 0 && `, ${status.rateLimited} records over a sender's rate limit`}
        {status && status.changesCoalesced > 0 && `, ${status.changesCoalesced} changes merged for display`}
      </p>
      {failed.map((s) => (
        <p key={`${s.iface}-${s.family}`} className="warning small">
          mDNS on {s.iface} ({s.family}) is unavailable: {s.error}
        </p>
      ))}
      {error && <ErrorMessage error={error} testId="bonjour-error" />}
    </section>
  );
}

function TypesCard() {
  const { types, typeFilter, setTypeFilter } = useApp(useShallow(({ bonjour: b }) => ({ types: b.types, typeFilter: b.typeFilter, setTypeFilter: b.setTypeFilter })));
  return (
    <section className="card bonjour-types">
      <h3>Service types</h3>
      {types.length === 0 && <p className="muted small">None seen yet.</p>}
      <ul>
        <li>
          <button type="button" className={typeFilter === null ? 'active' : ''} onClick={() => setTypeFilter(null)}>
            All types
          </button>
        </li>
        {types.map((t) => (
          <li key={t.type}>
            <button type="button" data-testid="bonjour-type" data-type={t.type} className={typeFilter === t.type ? 'active' : ''} onClick={() => setTypeFilter(t.type)}>
              <span className="mono">{shortType(t.type)}</span> <span className="muted small">{t.instances} · {t.interfaces.join(', ')}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function InstancesCard() {
  const { select } = useFeature('bonjour');
  const { rows, typeFilter, selected } = useApp(useShallow(({ bonjour: b }) => ({ rows: b.rows, typeFilter: b.typeFilter, selected: b.selected })));
  const now = useNow(5000);
  const byType = useMemo(() => {
    const groups = new Map<string, InstanceRow[]>();
    for (const r of Object.values(rows)) {
      if (typeFilter && r.instance.type.toLowerCase() !== typeFilter.toLowerCase()) continue;
      const list = groups.get(r.instance.type) ?? [];
      list.push(r);
      groups.set(r.instance.type, list);
    }
    return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([type, list]) => [type, list.sort((x, y) => x.instance.name.localeCompare(y.instance.name))] as const);
  }, [rows, typeFilter]);
  return (
    <section className="card bonjour-instances">
      <h3>Instances</h3>
      {byType.length === 0 && <p className="muted small">No services yet: they appear here as they answer.</p>}
      {byType.map(([type, list]) => (
        <div key={type} className="bonjour-group">
          <h4 className="mono">{shortType(type)}</h4>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Host and port</th>
                  <th>Addresses</th>
                  <th>Interfaces</th>
                  <th>Last seen</th>
                </tr>
              </thead>
              <tbody>
                {list.slice(0, MAX_ROWS).map((r) => (
                  <InstanceRowView key={r.instance.key} row={r} now={now} selected={selected === r.instance.key} onSelect={() => void select(r.instance.key)} />
                ))}
              </tbody>
            </table>
          </div>
          {list.length > MAX_ROWS && <p className="muted small">{list.length - MAX_ROWS} more not drawn.</p>}
        </div>
      ))}
    </section>
  );
}

function InstanceRowView({ row, now, selected, onSelect }: { row: InstanceRow; now: number; selected: boolean; onSelect: () => void }) {
  const i = row.instance;
  return (
    <tr
      data-testid="bonjour-instance"
      data-name={i.name}
      data-flash={row.flash ?? ''}
      aria-selected={selected}
      className={`bonjour-row${row.flash ? ` flash-${row.flash}` : ''}${selected ? ' selected' : ''}`}
      onClick={onSelect}
    >
      <td>
        {i.name}
        {i.missing.length > 0 && (
          <span className="muted small" data-testid="bonjour-instance-resolving" title={`No ${i.missing.join(', ')} yet; asked again with back-off`}>
            {' '}
            resolving
          </span>
        )}
      </td>
      <td className="mono">{i.host !== null ? `${i.host}:${i.port}` : '…'}</td>
      <td className="mono small">{i.addresses.map((a) => a.address).join(' ') || '…'}</td>
      <td data-testid="bonjour-instance-ifaces">{i.interfaces.join(', ')}</td>
      <td className="muted small">{ago(i.lastSeen, now)}</td>
    </tr>
  );
}

function CopyCommand({ label, command, testId }: { label: string; command: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="bonjour-command">
      <span className="muted small">{label}</span>
      <code data-testid={testId}>{command}</code>
      <button
        type="button"
        className="small-button"
        onClick={() => {
          void navigator.clipboard?.writeText(command).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

function DetailsCard() {
  const { select } = useFeature('bonjour');
  const { selected, details, detailsError, row } = useApp(useShallow(({ bonjour: b }) => ({ selected: b.selected, details: b.details, detailsError: b.detailsError, row: b.selected ? b.rows[b.selected] : undefined })));
  const now = useNow(1000);
  const [packetIndex, setPacketIndex] = useState(0);
  if (!selected) return null;
  const i: ServiceInstance | undefined = details?.instance ?? row?.instance;
  if (!i) return null;
  const packet = details?.packets[Math.min(packetIndex, (details?.packets.length ?? 1) - 1)];
  return (
    <section className="card bonjour-details" data-testid="bonjour-details" data-name={i.name}>
      <div className="card-head">
        <h3>{i.name}</h3>
        <button type="button" className="small-button" onClick={() => void select(null)}>
          Close
        </button>
      </div>
      {row?.flash === 'removed' && <p className="warning small">This service went away.</p>}
      {detailsError && <ErrorMessage error={detailsError} testId="bonjour-details-error" />}
      <dl className="bonjour-facts">
        <dt>Type</dt>
        <dd className="mono">{i.type}</dd>
        <dt>Host</dt>
        <dd className="mono" data-testid="bonjour-detail-host">
          {i.host ?? '(no SRV yet)'}
        </dd>
        <dt>Port</dt>
        <dd className="mono" data-testid="bonjour-detail-port">
          {i.port ?? '–'}
        </dd>
        <dt>Addresses</dt>
        <dd>
          {i.addresses.length === 0 && '(none yet)'}
          {i.addresses.map((a) => (
            <div key={a.address} className="mono" data-testid="bonjour-detail-address">
              {a.address} <span className="muted small">on {a.interfaces.join(', ')}</span>
            </div>
          ))}
        </dd>
        <dt>Seen on</dt>
        <dd>{i.interfaces.join(', ')}</dd>
        <dt>Answered by</dt>
        <dd>
          {i.sources.map((s) => (
            <div key={`${s.iface}|${s.address}`} className="mono small">
              {s.address} <span className="muted">on {s.iface}</span>
            </div>
          ))}
        </dd>
        <dt>Last seen</dt>
        <dd>
          {ago(i.lastSeen, now)} <span className="muted small">(first {ago(i.firstSeen, now)}; PTR TTL {i.ttl} s)</span>
        </dd>
        <dt>TXT</dt>
        <dd>
          {i.txt.length === 0 && <span className="muted">{i.missing.includes('TXT') ? '(no TXT yet)' : '(empty)'}</span>}
          <ul className="bonjour-txt" data-testid="bonjour-detail-txt">
            {i.txt.map((e, k) => (
              <li key={k} className="mono">
                {txtEntryText(e)}
                {e.binary && <span className="muted small"> (binary)</span>}
              </li>
            ))}
          </ul>
          <span className="muted small">
            {i.txtBytes} bytes{i.txtTruncated ? ', cut at the cache limit' : ''}
          </span>
        </dd>
      </dl>
      <CopyCommand label="Resolve on a Mac:" command={dnsSdCommand(i.name, i.type)} testId="bonjour-copy-dnssd" />
      <CopyCommand label="Browse on Linux:" command={avahiBrowseCommand(i.type)} testId="bonjour-copy-avahi" />
      {details && (
        <>
          <h4>Records</h4>
          <div className="table-scroll">
            <table className="small">
              <thead>
                <tr>
                  <th>Type</th>
                  <th>Name</th>
                  <th>Data</th>
                  <th>Interface</th>
                  <th>TTL</th>
                  <th>Left</th>
                  <th>From</th>
                </tr>
              </thead>
              <tbody>
                {details.records.map((r, k) => (
                  <tr key={k} data-testid="bonjour-record" data-type={r.type}>
                    <td>{r.type}</td>
                    <td className="mono">{r.name}</td>
                    <td className="mono">{r.data}</td>
                    <td>{r.iface}</td>
                    <td>{r.ttl} s</td>
                    <td>{r.remainingSec} s</td>
                    <td className="mono">{r.sources.join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h4>Raw packet</h4>
          {!packet && <p className="muted small">No packet kept for it (older ones make room for new ones).</p>}
          {packet && (
            <div className="bonjour-packet" data-testid="bonjour-packet">
              <div className="inline small">
                {details.packets.map((p, k) => (
                  <button key={k} type="button" className={`small-button${p === packet ? ' on' : ''}`} onClick={() => setPacketIndex(k)}>
                    {formatTimeOfDay(p.at)} from {p.source}
                  </button>
                ))}
              </div>
              <p className="muted small">
                {packet.bytes} bytes from {packet.source} port {packet.port} on {packet.iface}, id {packet.id}, flags 0x{packet.flags.toString(16).padStart(4, '0')}
              </p>
              <pre className="bonjour-hex" data-testid="bonjour-hex">
                {hexDump(packet.hex)}
              </pre>
              <div className="table-scroll">
                <table className="small">
                  <thead>
                    <tr>
                      <th>Section</th>
                      <th>Name</th>
                      <th>Type</th>
                      <th>TTL</th>
                      <th>Data</th>
                    </tr>
                  </thead>
                  <tbody>
                    {packet.records.map((r, k) => (
                      <tr key={k}>
                        <td>{r.section}</td>
                        <td className="mono">{r.name}</td>
                        <td>
                          {r.type}
                          {r.flush ? ' (flush)' : ''}
                        </td>
                        <td>{r.ttl ?? ''}</td>
                        <td className="mono">{r.data}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function AdvertiseCard() {
  const { advertise, withdraw } = useFeature('bonjour');
  const { form, advertising, lastAdvertised, advertised, error, set } = useApp(
    useShallow(({ bonjour: b }) => ({ form: b.form, advertising: b.advertising, lastAdvertised: b.lastAdvertised, advertised: b.advertised, error: b.advertiseError, set: b.setForm })),
  );
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void advertise();
  };
  return (
    <section className="card bonjour-advertise">
      <h3>Advertise a test service</h3>
      <form onSubmit={submit} className="bonjour-form">
        <div className="field">
          <label htmlFor="bonjour-adv-name">Name</label>
          <input id="bonjour-adv-name" data-testid="bonjour-adv-name" value={form.name} onChange={(e) => set({ name: e.target.value })} />
          <ErrorFor error={error} fieldOf={ADVERTISE_FIELDS} field="name" testId="bonjour-adv-error" />
        </div>
        <div className="field">
          <label htmlFor="bonjour-adv-type">Type</label>
          <input id="bonjour-adv-type" data-testid="bonjour-adv-type" value={form.type} placeholder="_http._tcp" onChange={(e) => set({ type: e.target.value })} />
          <ErrorFor error={error} fieldOf={ADVERTISE_FIELDS} field="type" testId="bonjour-adv-error" />
        </div>
        <div className="field">
          <label htmlFor="bonjour-adv-port">Port</label>
          <input id="bonjour-adv-port" data-testid="bonjour-adv-port" inputMode="numeric" value={form.port} onChange={(e) => set({ port: e.target.value })} />
          <ErrorFor error={error} fieldOf={ADVERTISE_FIELDS} field="port" testId="bonjour-adv-error" />
        </div>
        <div className="field">
          <label htmlFor="bonjour-adv-txt">TXT (one key=value per line)</label>
          <textarea id="bonjour-adv-txt" data-testid="bonjour-adv-txt" rows={3} value={form.txt} onChange={(e) => set({ txt: e.target.value })} />
          <ErrorFor error={error} fieldOf={ADVERTISE_FIELDS} field="txt" testId="bonjour-adv-error" />
        </div>
        <button type="submit" data-testid="bonjour-adv-submit" disabled={advertising}>
          {advertising ? 'Probing…' : 'Advertise'}
        </button>
      </form>
      {error && <ErrorMessage error={error} fieldOf={ADVERTISE_FIELDS} testId="bonjour-adv-error" />}
      {lastAdvertised && (
        <p className="small" data-testid="bonjour-adv-result" data-name={lastAdvertised.name}>
          Published as <strong>{lastAdvertised.name}</strong>
          {lastAdvertised.name !== lastAdvertised.requestedName && ` (renamed from "${lastAdvertised.requestedName}" after a conflict)`} on {lastAdvertised.host}.
        </p>
      )}
      {advertised.length > 0 && (
        <ul className="bonjour-ours">
          {advertised.map((a) => (
            <li key={a.id} data-testid="bonjour-advertised" data-name={a.name} data-state={a.state}>
              <span>
                <strong>{a.name}</strong> <span className="mono small">{shortType(a.type)} port {a.port}</span> <span className="muted small">{a.state}</span>
              </span>
              <button type="button" className="small-button" data-testid="bonjour-withdraw" disabled={a.state !== 'published'} onClick={() => void withdraw(a.id)}>
                Withdraw
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
