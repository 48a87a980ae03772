/** The form that sets up a stream to listen to, with the back end's error shown right beside it. */
import { useId, useState, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCommands } from '../../app/commands';
import { useFeature } from '../../app/api';
import { DECODE_CHOICES, WIRE_CHOICES, configToForm, defaultSetupForm, formToConfig, isGroupAddress, type SetupField, type SetupForm } from './setupForm';
import { useApp } from '../../store/store';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { StreamConfigInput } from '../../../shared/contract';

/** The last setup in a few words, for the Use last button's tooltip. */
function lastSummary(c: StreamConfigInput): string {
  return [`port ${c.port}`, c.address, c.iface ? `on ${c.iface}` : null, c.binMs ? `${c.binMs} ms bins` : null, c.label ? `“${c.label}”` : null].filter(Boolean).join(', ');
}

/** Port, address or group, interface, SSM source, bin size, gap threshold and expected rate, then Start. */
export function StreamSetup({ formRef }: { formRef: RefObject<HTMLFormElement | null> }) {
  const commands = useCommands();
  const alerts = useFeature('alerts');
  const { settings, interfaces, starting, connection, serverError } = useApp(
    useShallow((s) => ({ settings: s.settings, interfaces: s.interfaces, starting: s.starting, connection: s.connection, serverError: s.errors.setup })),
  );
  const [form, setForm] = useState<SetupForm>(defaultSetupForm);
  const [fieldError, setFieldError] = useState<{ field: SetupField; message: string } | null>(null);
  const uid = useId();
  const idOf = (f: string) => `${uid}-${f}`;

  // Each new stream starts from an empty form; the last setup is offered, never carried in silently.
  const last = settings?.lastStream ?? null;
  const useLast = () => {
    if (!last) return;
    setForm(configToForm(last));
    setFieldError(null);
  };

  const set = <K extends keyof SetupForm>(key: K, value: SetupForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (fieldError?.field === key) setFieldError(null);
  };

  const connected = connection === 'open';
  const group = isGroupAddress(form.address);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (starting || !connected) return;
    const r = formToConfig(form);
    if (!r.ok) {
      setFieldError({ field: r.field, message: r.message });
      document.getElementById(idOf(r.field))?.focus();
      return;
    }
    setFieldError(null);
    // Permission to notify is asked for here, on the user's own click, and only for a stream with alerts.
    if (r.config.alertOn?.length) alerts.askToNotify();
    void commands.start(r.config).then((started) => {
      if (started) setForm(defaultSetupForm);
    });
  };

  const invalid = (f: SetupField) => (fieldError?.field === f ? { 'aria-invalid': true, 'aria-describedby': `${uid}-field-error` } : {});
  const fieldMessage = (f: SetupField) =>
    fieldError?.field === f ? (
      <p className="field-error" id={`${uid}-field-error`} data-testid="field-error">
        {fieldError.message}
      </p>
    ) : null;

  return (
    <form ref={formRef} className="card setup" onSubmit={submit} aria-labelledby={idOf('title')} noValidate data-testid="stream-setup">
      <div className="setup-head">
        <h2 id={idOf('title')}>Listen to a stream</h2>
        {last ? (
          <button type="button" className="small-button" data-testid="use-last" onClick={useLast} title={`Fill the form with the last stream’s setup: ${lastSummary(last)}`}>
            Use last
          </button>
        ) : null}
      </div>
      <div className="row two">
        <div className="field">
          <label htmlFor={idOf('port')}>Port</label>
          <input id={idOf('port')} data-testid="port-input" inputMode="numeric" placeholder="4000" value={form.port} onChange={(e) => set('port', e.target.value)} {...invalid('port')} />
          {fieldMessage('port')}
        </div>
        <div className="field">
          <label htmlFor={idOf('address')}>Address or group</label>
          <input id={idOf('address')} data-testid="address-input" placeholder="any (0.0.0.0)" spellCheck={false} value={form.address} onChange={(e) => set('address', e.target.value)} {...invalid('address')} />
          {fieldMessage('address')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={idOf('iface')}>Interface</label>
        <select id={idOf('iface')} data-testid="iface-select" value={form.iface} onChange={(e) => set('iface', e.target.value)} {...invalid('iface')}>
          <option value="">Any (the OS chooses)</option>
          {form.iface && !interfaces.some((i) => i.name === form.iface) ? <option value={form.iface}>{form.iface} (not present now)</option> : null}
          {interfaces.map((i) => (
            <option key={i.name} value={i.name}>
              {i.name}
              {i.addresses.length ? ` — ${i.addresses.map((a) => a.address).join(', ')}` : ''}
              {!i.up ? ' (down)' : ''}
            </option>
          ))}
        </select>
        {fieldMessage('iface')}
      </div>
      <div className="field">
        <label htmlFor={idOf('source')}>SSM source</label>
        <input
          id={idOf('source')}
          data-testid="source-input"
          placeholder={group ? 'any source' : 'only for a multicast group'}
          spellCheck={false}
          disabled={!group && form.source === ''}
          value={form.source}
          onChange={(e) => set('source', e.target.value)}
          {...invalid('source')}
        />
        {fieldMessage('source')}
      </div>
      <div className="row bin-gap">
        <div className="field">
          <label htmlFor={idOf('binMs')}>Bin size (ms)</label>
          <input id={idOf('binMs')} data-testid="bin-input" type="number" min={10} max={10000} step={10} value={form.binMs} onChange={(e) => set('binMs', e.target.value)} {...invalid('binMs')} />
        </div>
        <fieldset className="field">
          <legend>Gap threshold</legend>
          <div className="inline">
            <label className="radio">
              <input type="radio" name={idOf('gapMode')} data-testid="gap-auto" checked={form.gapMode === 'auto'} onChange={() => set('gapMode', 'auto')} />
              Auto
            </label>
            <label className="radio">
              <input type="radio" name={idOf('gapMode')} aria-label="Fixed threshold" data-testid="gap-manual" checked={form.gapMode === 'manual'} onChange={() => set('gapMode', 'manual')} />
            </label>
            <input
              id={idOf('gapMs')}
              aria-label="Gap threshold in ms"
              data-testid="gap-input"
              className="narrow"
              inputMode="decimal"
              placeholder="250"
              value={form.gapMs}
              onChange={(e) => {
                set('gapMs', e.target.value);
                set('gapMode', e.target.value.trim() === '' ? 'auto' : 'manual');
              }}
              {...invalid('gapMs')}
            />
            <span className="muted">ms</span>
          </div>
        </fieldset>
      </div>
      {fieldMessage('binMs')}
      {fieldMessage('gapMs')}
      <div className="field">
        <label htmlFor={idOf('expectedRate')}>Expected rate (optional)</label>
        <div className="inline">
          <input id={idOf('expectedRate')} data-testid="expected-input" inputMode="decimal" placeholder="e.g. 256000" value={form.expectedRate} onChange={(e) => set('expectedRate', e.target.value)} {...invalid('expectedRate')} />
          <select aria-label="Expected rate unit" data-testid="expected-unit" value={form.expectedUnit} onChange={(e) => set('expectedUnit', e.target.value === 'packets' ? 'packets' : 'bytes')}>
            <option value="bytes">bytes/s</option>
            <option value="packets">packets/s</option>
          </select>
        </div>
        {fieldMessage('expectedRate')}
      </div>
      <div className="field">
        <label htmlFor={idOf('recvBuffer')}>Receive buffer (bytes, optional)</label>
        <input id={idOf('recvBuffer')} data-testid="recv-buffer-input" inputMode="numeric" placeholder="8388608 (8 MiB)" value={form.recvBuffer} onChange={(e) => set('recvBuffer', e.target.value)} {...invalid('recvBuffer')} />
        {fieldMessage('recvBuffer')}
      </div>
      <div className="field">
        <label htmlFor={idOf('decode')}>Payload format (for loss by sequence number)</label>
        <div className="inline">
          <select
            id={idOf('decode')}
            data-testid="decode-select"
            value={DECODE_CHOICES.some((c) => c.value === form.decode) ? form.decode : 'custom'}
            onChange={(e) => set('decode', e.target.value === 'custom' ? 'seq:0:32:be' : e.target.value)}
            {...invalid('decode')}
          >
            {DECODE_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
            <option value="custom">Custom sequence field…</option>
          </select>
          {DECODE_CHOICES.some((c) => c.value === form.decode) ? null : (
            <input aria-label="Sequence field: seq:OFFSET:WIDTH:be|le" data-testid="decode-field" placeholder="seq:OFFSET:WIDTH:be|le" value={form.decode} onChange={(e) => set('decode', e.target.value)} {...invalid('decode')} />
          )}
        </div>
        {fieldMessage('decode')}
      </div>
      <div className="field">
        <label htmlFor={idOf('wire')}>Watch the wire (dumpcap or tcpdump)</label>
        <select id={idOf('wire')} data-testid="wire-select" value={form.wire} onChange={(e) => set('wire', WIRE_CHOICES.find((c) => c.value === e.target.value)?.value ?? 'off')} {...invalid('wire')}>
          {WIRE_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        {fieldMessage('wire')}
      </div>
      <div className="field">
        <label htmlFor={idOf('alertOn')}>Alert when (optional)</label>
        <input
          id={idOf('alertOn')}
          data-testid="alert-on-input"
          placeholder="e.g. gap>500ms, loss>1%"
          spellCheck={false}
          title="The conditions of gapscope listen --fail-on: gap, gaps, loss, duty, rate, no-data (packets only at the end). Raised when one holds, cleared once it has not held for 5 s; a desktop notification when this window is not in front."
          value={form.alertOn}
          onChange={(e) => set('alertOn', e.target.value)}
          {...invalid('alertOn')}
        />
        {fieldMessage('alertOn')}
      </div>
      <div className="field">
        <label htmlFor={idOf('label')}>Label (optional)</label>
        <input id={idOf('label')} data-testid="label-input" placeholder="e.g. GDL90 from the receiver" value={form.label} onChange={(e) => set('label', e.target.value)} {...invalid('label')} />
        {fieldMessage('label')}
      </div>
      <div className="actions">
        <button type="submit" className="primary" data-testid="start-button" disabled={starting || !connected} title={connected ? 'Start listening (Ctrl/⌘+Enter)' : 'Waiting for the back end'}>
          {starting ? 'Starting…' : 'Start'}
        </button>
        <kbd className="hint">Ctrl/⌘ + Enter</kbd>
      </div>
      {serverError ? <ErrorMessage error={serverError} testId="setup-error" /> : null}
    </form>
  );
}
