/** The Send panel's fields and their translation to a sender config, checked with the contract's own schema. */
import { SENDER_FORMATS, SenderConfigSchema, type SenderConfigInput } from '../../../shared/contract/sender';

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
}

/** A first-time sender: 1000 packets/s of 512 bytes in Gapscope's own numbered format. */
export const defaultSenderForm: SenderForm = { to: '', iface: '', rate: '1000', size: '512', format: 'seq', pattern: 'steady', duration: '' };

/** Field names of the form, for placing an error. */
export type SenderField = keyof SenderForm;

/** A config to send, or the first problem to fix. */
export type SenderFormResult = { ok: true; config: SenderConfigInput } | { ok: false; field: SenderField; message: string };

const fieldOf: Record<string, SenderField> = { host: 'to', port: 'to', iface: 'iface', rate: 'rate', size: 'size', format: 'format', pattern: 'pattern', durationSec: 'duration', ttl: 'to' };

/** Reads the form, or names the field that is wrong in the contract's words. */
export function formToSender(form: SenderForm): SenderFormResult {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(form.to.trim()) ?? /^([^:\s]+):(\d+)$/.exec(form.to.trim());
  if (!m) return { ok: false, field: 'to', message: 'destination must be ADDRESS:PORT, e.g. 10.0.0.2:4000 or [ff15::1]:5001' };
  const size = Number(form.size.trim());
  if (!Number.isInteger(size)) return { ok: false, field: 'size', message: 'size must be a whole number of bytes' };
  const config: SenderConfigInput = { host: m[1]!, port: Number(m[2]), rate: form.rate.trim(), size, format: form.format, pattern: form.pattern.trim() || 'steady' };
  if (form.iface.trim()) config.iface = form.iface.trim();
  if (form.duration.trim()) {
    const d = Number(form.duration.trim());
    if (!Number.isFinite(d) || d <= 0) return { ok: false, field: 'duration', message: 'duration must be a positive number of seconds (or empty)' };
    config.durationSec = d;
  }
  const parsed = SenderConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'host');
    return { ok: false, field: fieldOf[key] ?? 'to', message: `${key === 'durationSec' ? 'duration' : key}: ${issue?.message ?? 'is not valid'}` };
  }
  return { ok: true, config };
}
