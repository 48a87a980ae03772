import { describe, expect, it } from 'vitest';
import { defaultSenderForm, formToSender } from './senderForm';

describe('formToSender', () => {
  it('reads IPv4 and IPv6 destinations and the options', () => {
    expect(formToSender({ ...defaultSenderForm, to: '10.97.0.2:4000', duration: '5' })).toEqual({ ok: true, config: { host: '10.97.0.2', port: 4000, rate: '1000', size: 512, format: 'seq', pattern: 'steady', durationSec: 5 } });
    expect(formToSender({ ...defaultSenderForm, to: '[ff15::1]:5001', iface: 'eth1', format: 'gdl90', pattern: 'pause:5000/2000' })).toMatchObject({ ok: true, config: { host: 'ff15::1', port: 5001, iface: 'eth1', format: 'gdl90' } });
    expect(formToSender({ ...defaultSenderForm, to: '10.97.0.2:4000', sweep: 'rate:1000-8000/8', stepSec: '3' })).toMatchObject({ ok: true, config: { sweep: 'rate:1000-8000/8', stepSec: 3 } });
  });

  it('names the wrong field in the door\u2019s own words, beside the field it is typed in', () => {
    const refused = (field: string, sentence: string) => ({ ok: false, field, sentence, code: 'invalid-argument' });
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1' })).toEqual(refused('to', 'The destination must be ADDRESS:PORT, e.g. 10.0.0.2:4000 or [ff15::1]:5001.'));
    expect(formToSender({ ...defaultSenderForm, to: 'x:4000' })).toEqual(refused('to', 'The host is not an IPv4 or IPv6 address.'));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:0' })).toEqual(refused('to', 'Port must be 1\u201365535.'));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', rate: 'lots' })).toEqual(refused('rate', 'The rate is not a rate: give packets/s (1000, 1000pps) or a bit rate of payload (2M, 500kbit).'));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', size: '8' })).toEqual(refused('size', 'Size is 16 to 65,507 bytes.'));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', size: '8.5' })).toEqual(refused('size', 'The size must be a whole number of bytes.'));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', pattern: 'often' })).toEqual(refused('pattern', 'The pattern is not one of steady, pause:ON_MS/OFF_MS, burst:N/EVERY_MS, cut-after:BYTES[/PAUSE_MS].'));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', duration: '-1' })).toEqual(refused('duration', 'The duration must be a positive number of seconds, or empty to send until stopped.'));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', iface: 'a b' })).toEqual(refused('iface', 'The interface is not an interface name or address.'));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', sweep: 'rate:1000-8000/8', duration: '5' })).toEqual(refused('sweep', "The sweep must go without a duration: it sets the run's length itself (steps × step time)."));
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', sweep: 'fast' })).toMatchObject({ ok: false, field: 'sweep' });
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', sweep: 'rate:1000-8000/8', stepSec: '0' })).toEqual(refused('stepSec', 'The step time must be a positive number of seconds.'));
  });
});
