/**
 * The stream setup form as text fields, and its translation to and from a StreamConfig. Checked
 * by the door's own check (the contract's schema, its refusals in the door's sentences), so the
 * form and the back end give the same answer in the same words.
 */
import type { StreamConfigInput } from '../../../shared/contract';
import { checkRequest, showError } from '../../app/errors';
import { isMulticast } from '../../../shared/net/address';

/** What the user typed, field by field. */
export interface SetupForm {
  port: string;
  /** Local address, broadcast address or multicast group; empty listens on every address. */
  address: string;
  /** Interface name; empty lets the OS choose. */
  iface: string;
  /** Source for source-specific multicast. */
  source: string;
  binMs: string;
  gapMode: 'auto' | 'manual';
  gapMs: string;
  expectedRate: string;
  expectedUnit: 'bytes' | 'packets';
  label: string;
  /** Payload format for loss by sequence number: auto, none, a format name, or seq:OFFSET:WIDTH:be|le. */
  decode: string;
  /** Watch the same flow on the wire with the capture engine: off, beside the socket, or alone (a port another program owns). */
  wire: 'off' | 'beside' | 'only';
  /** The receive buffer to ask the kernel for, bytes; empty asks for the default (8 MiB). */
  recvBuffer: string;
  /** Conditions to raise a live alert on, the words of --fail-on separated by commas (gap>500ms, loss>1%); empty: none. */
  alertOn: string;
}

/** The wire view's choices, in the user's words. */
export const WIRE_CHOICES: readonly { value: SetupForm['wire']; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'beside', label: 'Beside the socket (where packets go missing)' },
  { value: 'only', label: 'Only the wire (a port another program owns)' },
];

/** The payload formats offered in the form, in the user's words; anything else is a custom field. */
export const DECODE_CHOICES: readonly { value: string; label: string }[] = [
  { value: 'auto', label: 'Detect automatically' },
  { value: 'none', label: 'None (time only)' },
  { value: 'iperf2', label: 'iperf 2' },
  { value: 'iperf3', label: 'iperf 3' },
  { value: 'rtp', label: 'RTP' },
  { value: 'mavlink', label: 'MAVLink' },
  { value: 'mpegts', label: 'MPEG-TS' },
  { value: 'gdl90', label: 'GDL90' },
  { value: 'nmea', label: 'NMEA 0183' },
  { value: 'seq', label: 'Gapscope seq' },
];

/** The field an error belongs to, so it can be shown beside it. */
export type SetupField = keyof SetupForm;

/** What a first-time user sees. */
export const defaultSetupForm: SetupForm = {
  port: '',
  address: '',
  iface: '',
  source: '',
  binMs: '100',
  gapMode: 'auto',
  gapMs: '',
  expectedRate: '',
  expectedUnit: 'bytes',
  label: '',
  decode: 'auto',
  wire: 'off',
  recvBuffer: '',
  alertOn: '',
};

/** The outcome of reading the form: a config to send, or the first problem to fix. */
export type SetupResult = { ok: true; config: StreamConfigInput } | { ok: false; field: SetupField; message: string };

function numberField(text: string): number | null {
  const t = text.trim();
  if (t === '' || !/^[+]?(\d+(\.\d*)?|\.\d+)(e[+]?\d+)?$/i.test(t)) return null;
  return Number(t);
}

/** The form field each field of startStream's request is typed in, so that a refusal goes beside it. */
const SETUP_FIELDS: Readonly<Record<string, SetupField>> = {
  port: 'port',
  address: 'address',
  iface: 'iface',
  source: 'source',
  family: 'address',
  binMs: 'binMs',
  gapMs: 'gapMs',
  expectedBytesPerSec: 'expectedRate',
  expectedPacketsPerSec: 'expectedRate',
  label: 'label',
  decode: 'decode',
  wire: 'wire',
  recvBufferBytes: 'recvBuffer',
  alertOn: 'alertOn',
};

const refused = (field: SetupField, message: string): SetupResult => ({ ok: false, field, message });

/** Reads the form into a config, or says which field is wrong and why, in the door's own words. */
export function formToConfig(form: SetupForm): SetupResult {
  // What only a text field can get wrong (not a number at all) is the form's to say; the rest is the door's.
  const port = numberField(form.port);
  if (port === null) return refused('port', 'The port must be a whole number, 1–65535.');
  const binMs = numberField(form.binMs);
  if (binMs === null) return refused('binMs', 'The bin width must be a whole number of ms, 10–10000.');
  const config: StreamConfigInput = { port, binMs };
  if (form.address.trim()) config.address = form.address.trim();
  if (form.iface.trim()) config.iface = form.iface.trim();
  if (form.source.trim()) config.source = form.source.trim();
  if (form.label.trim()) config.label = form.label.trim();
  const decode = form.decode.trim();
  if (decode === '') return refused('decode', 'Give a sequence field as seq:OFFSET:WIDTH:be|le, e.g. seq:4:32:be.');
  if (decode !== 'auto') config.decode = decode;
  if (form.wire !== 'off') config.wire = form.wire;
  if (form.recvBuffer.trim()) {
    const bytes = numberField(form.recvBuffer);
    if (bytes === null) return refused('recvBuffer', 'The receive buffer must be a whole number of bytes, 4096 or more.');
    config.recvBufferBytes = bytes;
  }
  // Each condition is judged by the door (the conditions' own parser), so its sentence is the CLI's.
  const alertOn = form.alertOn.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (alertOn.length > 0) config.alertOn = alertOn;
  if (form.gapMode === 'manual') {
    const gapMs = numberField(form.gapMs);
    if (gapMs === null) return refused('gapMs', 'The gap threshold must be a number of ms (or choose automatic).');
    config.gapMs = gapMs;
  }
  if (form.expectedRate.trim()) {
    const rate = numberField(form.expectedRate);
    if (rate === null) return refused('expectedRate', 'The expected rate must be a number.');
    if (form.expectedUnit === 'bytes') config.expectedBytesPerSec = rate;
    else config.expectedPacketsPerSec = rate;
  }
  const refusal = checkRequest('startStream', [config]);
  if (!refusal) return { ok: true, config };
  const shown = showError(refusal, SETUP_FIELDS);
  return refused(shown.field ?? 'port', shown.sentence);
}

/** Fills the form from a saved config, so the last stream setup comes back on the next launch. */
export function configToForm(config: StreamConfigInput): SetupForm {
  const expected = config.expectedBytesPerSec ?? config.expectedPacketsPerSec;
  return {
    port: String(config.port),
    address: config.address ?? '',
    iface: config.iface ?? '',
    source: config.source ?? '',
    binMs: String(config.binMs ?? 100),
    gapMode: config.gapMs === undefined ? 'auto' : 'manual',
    gapMs: config.gapMs === undefined ? '' : String(config.gapMs),
    expectedRate: expected === undefined ? '' : String(expected),
    expectedUnit: config.expectedPacketsPerSec !== undefined && config.expectedBytesPerSec === undefined ? 'packets' : 'bytes',
    label: config.label ?? '',
    decode: config.decode ?? 'auto',
    wire: config.wire === 'beside' || config.wire === 'only' ? config.wire : 'off',
    recvBuffer: config.recvBufferBytes === undefined ? '' : String(config.recvBufferBytes),
    alertOn: (config.alertOn ?? []).join(', '),
  };
}

/** True when the address is a multicast group, where an interface and an SSM source make sense. */
export function isGroupAddress(address: string): boolean {
  return isMulticast(address.trim());
}
