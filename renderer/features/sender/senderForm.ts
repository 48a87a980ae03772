/** The Send panel's fields and their translation to a sender config, checked by the door's own check and words. */
import { SENDER_FORMATS, type SenderConfigInput } from '../../../shared/contract/sender';
import { checkRequest, showError, type ShownError } from '../../app/errors';

/** What the user typed. */
export interface SenderForm {
  /** ADDRESS:PORT, or [IPv6]:PORT. */
  to: string;
  iface: string;
  rate: string;
  size: string;
  format: (typeof SENDER_FORMATS)[number];
  pattern: string;
  /** Seconds; empty sends until stopped. */
  duration: string;
  /** rate:FROM-TO/STEPS, size:… or burst:…; empty: no sweep. */
  sweep: string;
  /** Seconds per sweep step. */
  stepSec: string;
}

/** A first-time sender: 1000 packets/s of 512 bytes in Gapscope's own numbered format. */
export const defaultSenderForm: SenderForm = { to: '', iface: '', rate: '1000', size: '512', format: 'seq', pattern: 'steady', duration: '', sweep: '', stepSec: '2' };

/** Field names of the form, for placing an error. */
export type SenderField = keyof SenderForm;

/** A config to send, or the first problem to fix and the field it goes beside. */
export type SenderFormResult = { ok: true; config: SenderConfigInput } | ({ ok: false } & ShownError<SenderField> & { field: SenderField });

/** The form field each field of startSender's request is typed in, so that a refusal goes beside it. */
export const SENDER_FIELDS: Readonly<Record<string, SenderField>> = { host: 'to', port: 'to', iface: 'iface', rate: 'rate', size: 'size', format: 'format', pattern: 'pattern', durationSec: 'duration', ttl: 'to', pair: 'format', sweep: 'sweep', stepSec: 'stepSec' };

const refused = (field: SenderField, sentence: string): SenderFormResult => ({ ok: false, field, sentence, code: 'invalid-argument' });

/** Reads the form, or names the field that is wrong in the door's words. */
export function formToSender(form: SenderForm): SenderFormResult {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(form.to.trim()) ?? /^([^:\s]+):(\d+)$/.exec(form.to.trim());
  if (!m) return refused('to', 'The destination must be ADDRESS:PORT, e.g. 10.0.0.2:4000 or [ff15::1]:5001.');
  const size = Number(form.size.trim());
  if (!Number.isInteger(size)) return refused('size', 'The size must be a whole number of bytes.');
  const config: SenderConfigInput = { host: m[1]!, port: Number(m[2]), rate: form.rate.trim(), size, format: form.format, pattern: form.pattern.trim() || 'steady' };
  if (form.iface.trim()) config.iface = form.iface.trim();
  if (form.duration.trim()) {
    const d = Number(form.duration.trim());
    if (!Number.isFinite(d) || d <= 0) return refused('duration', 'The duration must be a positive number of seconds, or empty to send until stopped.');
    config.durationSec = d;
  }
  if (form.sweep.trim()) {
    const step = Number(form.stepSec.trim());
    if (!Number.isFinite(step) || step <= 0) return refused('stepSec', 'The step time must be a positive number of seconds.');
    config.sweep = form.sweep.trim();
    config.stepSec = step;
  }
  const refusal = checkRequest('startSender', [config]);
  if (!refusal) return { ok: true, config };
  const shown = showError(refusal, SENDER_FIELDS);
  return { ok: false, ...shown, field: shown.field ?? 'to' };
}
