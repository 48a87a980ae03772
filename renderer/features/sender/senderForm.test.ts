import { describe, expect, it } from 'vitest';
import { defaultSenderForm, formToSender } from './senderForm';

describe('formToSender', () => {
  it('reads IPv4 and IPv6 destinations and the options', () => {
    expect(formToSender({ ...defaultSenderForm, to: '10.97.0.2:4000', duration: '5' })).toEqual({ ok: true, config: { host: '10.97.0.2', port: 4000, rate: '1000', size: 512, format: 'seq', pattern: 'steady', durationSec: 5 } });
    expect(formToSender({ ...defaultSenderForm, to: '[ff15::1]:5001', iface: 'eth1', format: 'gdl90', pattern: 'pause:5000/2000' })).toMatchObject({ ok: true, config: { host: 'ff15::1', port: 5001, iface: 'eth1', format: 'gdl90' } });
  });

  it('names the wrong field', () => {
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1' })).toMatchObject({ ok: false, field: 'to' });
    expect(formToSender({ ...defaultSenderForm, to: 'x:4000' })).toMatchObject({ ok: false, field: 'to', message: 'host: is not an IPv4 or IPv6 address' });
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', rate: 'lots' })).toMatchObject({ ok: false, field: 'rate' });
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', size: '8' })).toMatchObject({ ok: false, field: 'size', message: 'size: size is 16 to 65,507 bytes' });
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', pattern: 'often' })).toMatchObject({ ok: false, field: 'pattern' });
    expect(formToSender({ ...defaultSenderForm, to: '10.0.0.1:4000', duration: '-1' })).toMatchObject({ ok: false, field: 'duration' });
  });
});
