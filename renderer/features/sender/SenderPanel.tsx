/** Send test traffic from Gapscope itself, to reproduce a field symptom (bursts, pauses, a cut after N bytes) or a GDL90 receiver. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useFeature } from '../../app/api';
import { useApp } from '../../store/store';
import { formatEndpoint } from '../../../shared/net/address';
import { formatBytes, formatCount, formatPacketRate } from '../../format';
import { stepValueText } from '../../../shared/reception/pairing';
import { defaultSenderForm, formToSender, SENDER_FIELDS, type SenderField, type SenderForm } from './senderForm';
import { showError, type ShownError } from '../../app/errors';
import { ErrorMessage, FieldError } from '../../components/ErrorMessage';
import './sender.css';

/** The Send panel: a form, and each sender's counts live. */
export function SenderPanel() {
  const sender = useFeature('sender');
  const { senders, order, error, busy, setError } = useApp(useShallow(({ sender: s }) => ({ senders: s.senders, order: s.order, error: s.error, busy: s.busy, setError: s.setError })));
  const [form, setForm] = useState<SenderForm>(defaultSenderForm);
  const [fieldError, setFieldError] = useState<ShownError<SenderField> | null>(null);
  // The back end's refusal goes beside the field it names, like the form's own; the rest in the banner.
  const refusal = error ? showError(error, SENDER_FIELDS) : null;
  const set = (k: SenderField, v: string) => {
    setForm({ ...form, [k]: v });
    // Editing the field a refusal is about answers it, whoever refused.
    if (fieldError?.field === k) setFieldError(null);
    if (refusal?.field === k) setError(null);
  };
  const beside = fieldError ?? (refusal?.field ? refusal : null);
  const invalid = (f: SenderField) => (beside?.field === f ? { 'aria-invalid': true, 'aria-describedby': 'sender-field-error' } : {});
  const note = (f: SenderField) => (beside?.field === f ? <FieldError id="sender-field-error" testId="sender-field-error" code={beside.code} sentence={beside.sentence} /> : null);
  const gdl90 = form.format === 'gdl90';

  return (
    <details className="card sender" data-testid="sender-panel">
      <summary>
        <h2>Send test traffic</h2>
      </summary>
      <form
        className="sender-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const r = formToSender(form);
          if (!r.ok) return setFieldError(r);
          void sender.start(r.config);
        }}
      >
        <div className="field">
          <label htmlFor="sender-to">Destination</label>
          <input id="sender-to" data-testid="sender-to" placeholder="10.0.0.2:4000 or [ff15::1]:5001" value={form.to} onChange={(e) => set('to', e.target.value)} {...invalid('to')} />
          {note('to')}
        </div>
        <div className="inline">
          <div className="field">
            <label htmlFor="sender-format">Format</label>
            <select id="sender-format" data-testid="sender-format" value={form.format} onChange={(e) => set('format', e.target.value)} {...invalid('format')}>
              <option value="seq">Gapscope seq</option>
              <option value="iperf2">iperf 2</option>
              <option value="rtp">RTP</option>
              <option value="gdl90">GDL90 receiver</option>
            </select>
            {note('format')}
          </div>
          <div className="field">
            <label htmlFor="sender-rate">Rate</label>
            <input id="sender-rate" data-testid="sender-rate" disabled={gdl90} title="packets/s (1000) or payload bit rate (2M, 500kbit)" value={gdl90 ? '1–5 Hz' : form.rate} onChange={(e) => set('rate', e.target.value)} {...invalid('rate')} />
            {note('rate')}
          </div>
          <div className="field">
            <label htmlFor="sender-size">Size (B)</label>
            <input id="sender-size" data-testid="sender-size" disabled={gdl90} inputMode="numeric" value={gdl90 ? '—' : form.size} onChange={(e) => set('size', e.target.value)} {...invalid('size')} />
            {note('size')}
          </div>
        </div>
        {/* The pattern gets a row of its own: its values (cut-after:128k/1000) are the longest. */}
        <div className="field">
          <label htmlFor="sender-pattern">Pattern</label>
          <input id="sender-pattern" data-testid="sender-pattern" list="sender-patterns" value={form.pattern} onChange={(e) => set('pattern', e.target.value)} {...invalid('pattern')} />
          <datalist id="sender-patterns">
            <option value="steady" />
            <option value="pause:2000/500" />
            <option value="burst:50/100" />
            <option value="cut-after:128k/1000" />
          </datalist>
          {note('pattern')}
        </div>
        <div className="inline">
          <div className="field">
            <label htmlFor="sender-duration">Duration (s)</label>
            <input id="sender-duration" data-testid="sender-duration" inputMode="decimal" placeholder="until stopped" value={form.duration} onChange={(e) => set('duration', e.target.value)} {...invalid('duration')} />
            {note('duration')}
          </div>
          <div className="field">
            <label htmlFor="sender-iface">Interface</label>
            <input id="sender-iface" data-testid="sender-iface" placeholder="multicast only" value={form.iface} onChange={(e) => set('iface', e.target.value)} {...invalid('iface')} />
            {note('iface')}
          </div>
        </div>
        <div className="inline">
          <div className="field">
            <label htmlFor="sender-sweep">Sweep</label>
            <input id="sender-sweep" data-testid="sender-sweep" list="sender-sweeps" placeholder="none" title="raise rate, size or burst in steps; a paired stream reports the first step with loss" value={form.sweep} onChange={(e) => set('sweep', e.target.value)} {...invalid('sweep')} />
            <datalist id="sender-sweeps">
              <option value="rate:1000-20000/8" />
              <option value="size:64-1400/6" />
              <option value="burst:10-200/5" />
            </datalist>
            {note('sweep')}
          </div>
          <div className="field">
            <label htmlFor="sender-step">Step (s)</label>
            <input id="sender-step" data-testid="sender-step" inputMode="decimal" disabled={!form.sweep.trim()} value={form.stepSec} onChange={(e) => set('stepSec', e.target.value)} {...invalid('stepSec')} />
            {note('stepSec')}
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" data-testid="sender-start" disabled={busy}>
            Send
          </button>
        </div>
        {error && refusal?.field === null ? <ErrorMessage error={error} testId="sender-error" /> : null}
      </form>
      {order.length > 0 ? (
        <ul className="sender-list" data-testid="sender-list">
          {order
            .slice()
            .reverse()
            .map((id) => {
              const s = senders[id];
              if (!s) return null;
              const running = s.status === 'sending';
              return (
                <li key={id} data-testid="sender-item" data-status={s.status} data-sent={s.sent}>
                  <div className="sender-head">
                    <span className={`dot ${running ? 'listening' : 'stopped'}`} aria-hidden="true" />
                    <strong>{formatEndpoint(s.config.host, s.config.port)}</strong>
                    <span className="muted small">
                      {s.config.format} · {s.config.pattern}
                    </span>
                    {running ? (
                      <button type="button" className="small-button" data-testid="sender-stop" onClick={() => void sender.stop(id)}>
                        Stop
                      </button>
                    ) : (
                      <button type="button" className="small-button" aria-label="Remove this sender" onClick={() => void sender.remove(id)}>
                        ✕
                      </button>
                    )}
                  </div>
                  <div className="muted small">
                    {s.status} · {formatCount(s.sent)} packets · {formatBytes(s.bytes)} · {formatPacketRate(s.achievedPps)}
                    {s.targetPps !== null ? ` of ${formatPacketRate(s.targetPps)}` : ''}
                    {s.sendErrors ? ` · ${formatCount(s.sendErrors)} send errors (${s.lastSendError ?? ''})` : ''}
                  </div>
                  {s.sendErrorHint ? (
                    <div className="warning small" role="status" data-testid="sender-error-hint">
                      {s.sendErrorHint}
                    </div>
                  ) : null}
                  {s.paired ? (
                    <div className="muted small" data-testid="sender-paired" title="Each datagram carries this sender's account: a stream receiving it tells sent and lost on the path from never sent.">
                      paired · run {s.run}
                      {s.sweep ? ` · step ${Math.max(1, s.sweep.steps.length)} of ${s.sweep.values.length}: ${stepValueText(s.sweep.kind, s.sweep.values[Math.max(0, s.sweep.steps.length - 1)]!)}` : ''}
                    </div>
                  ) : null}
                </li>
              );
            })}
        </ul>
      ) : null}
    </details>
  );
}
