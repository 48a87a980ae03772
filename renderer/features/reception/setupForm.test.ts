import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../shared/rpc/dispatcher';
import { parseConditions } from '../../../shared/verdict/conditions';
import { configToForm, defaultSetupForm, formToConfig, isGroupAddress } from './setupForm';

describe('formToConfig', () => {
  it('reads a unicast stream with an expected byte rate and a fixed gap threshold', () => {
    const r = formToConfig({ ...defaultSetupForm, port: '4000', address: '10.97.0.2', gapMode: 'manual', gapMs: '300', expectedRate: '256000' });
    expect(r).toEqual({ ok: true, config: { port: 4000, binMs: 100, address: '10.97.0.2', gapMs: 300, expectedBytesPerSec: 256000 } });
  });

  it('reads an SSM join with a packet rate', () => {
    const r = formToConfig({ ...defaultSetupForm, port: '5000', address: '232.1.2.3', source: '10.0.0.9', iface: 'eth1', expectedRate: '500', expectedUnit: 'packets' });
    expect(r.ok && r.config).toMatchObject({ address: '232.1.2.3', source: '10.0.0.9', iface: 'eth1', expectedPacketsPerSec: 500 });
    expect(r.ok && 'expectedBytesPerSec' in r.config).toBe(false);
  });

  it('names the wrong field in the door\'s words', () => {
    expect(formToConfig({ ...defaultSetupForm, port: '' })).toMatchObject({ ok: false, field: 'port' });
    expect(formToConfig({ ...defaultSetupForm, port: '70000' })).toEqual({ ok: false, field: 'port', message: 'Port must be 1–65535.' });
    expect(formToConfig({ ...defaultSetupForm, port: '4000.5' })).toEqual({ ok: false, field: 'port', message: 'The port must be a whole number.' });
    expect(formToConfig({ ...defaultSetupForm, port: '4000', binMs: '5' })).toEqual({ ok: false, field: 'binMs', message: 'Bins are 10 ms to 10 s.' });
    expect(formToConfig({ ...defaultSetupForm, port: '4000', address: 'nope' })).toMatchObject({ ok: false, field: 'address' });
    expect(formToConfig({ ...defaultSetupForm, port: '4000', address: '10.0.0.1', source: '10.0.0.2' })).toMatchObject({ ok: false, field: 'source' });
    expect(formToConfig({ ...defaultSetupForm, port: '4000', gapMode: 'manual', gapMs: 'x' })).toMatchObject({ ok: false, field: 'gapMs' });
  });

  it('says what the back end\'s door says for the same config', async () => {
    const door = createDispatcher({ startStream: async () => ({}) } as never);
    for (const form of [
      { ...defaultSetupForm, port: '70000' },
      { ...defaultSetupForm, port: '4000', binMs: '5' },
      { ...defaultSetupForm, port: '4000', address: 'nope' },
      { ...defaultSetupForm, port: '4000', address: '10.0.0.1', source: '10.0.0.2' },
      { ...defaultSetupForm, port: '4000', decode: 'seq:4:12:be' },
    ]) {
      const r = formToConfig(form);
      expect(r.ok).toBe(false);
      // The config the form would have sent, as the door sees it.
      const sent = { port: Number(form.port), binMs: Number(form.binMs), ...(form.address ? { address: form.address } : {}), ...(form.source ? { source: form.source } : {}), ...(form.decode !== 'auto' ? { decode: form.decode } : {}) };
      const outcome = await door('startStream', [sent]);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok && !r.ok) expect(r.message).toBe(outcome.error.message);
    }
  });

  it('asks for the wire view beside the socket or alone, and leaves it out when off', () => {
    expect(formToConfig({ ...defaultSetupForm, port: '4000', wire: 'beside' })).toMatchObject({ ok: true, config: { wire: 'beside' } });
    const off = formToConfig({ ...defaultSetupForm, port: '4000' });
    expect(off.ok && 'wire' in off.config).toBe(false);
    expect(configToForm({ port: 4000, wire: 'only' }).wire).toBe('only');
    expect(configToForm({ port: 4000, wire: 'off' }).wire).toBe('off');
  });

  it('reads the payload format, and names a bad custom field', () => {
    expect(formToConfig({ ...defaultSetupForm, port: '4000', decode: 'gdl90' })).toMatchObject({ ok: true, config: { decode: 'gdl90' } });
    expect(formToConfig({ ...defaultSetupForm, port: '4000', decode: 'seq:4:32:le' })).toMatchObject({ ok: true, config: { decode: 'seq:4:32:le' } });
    const bad = formToConfig({ ...defaultSetupForm, port: '4000', decode: 'seq:4:12:be' });
    expect(bad).toMatchObject({ ok: false, field: 'decode' });
    expect(!bad.ok && bad.message).toMatch(/not a known format/);
    expect(formToConfig({ ...defaultSetupForm, port: '4000', decode: ' ' })).toMatchObject({ ok: false, field: 'decode' });
  });

  it('asks for the receive buffer typed, the default when empty, and names a bad one', () => {
    expect(formToConfig({ ...defaultSetupForm, port: '4000', recvBuffer: '4096' })).toEqual({ ok: true, config: { port: 4000, binMs: 100, recvBufferBytes: 4096 } });
    const empty = formToConfig({ ...defaultSetupForm, port: '4000' });
    expect(empty.ok && 'recvBufferBytes' in empty.config).toBe(false);
    expect(formToConfig({ ...defaultSetupForm, port: '4000', recvBuffer: 'big' })).toEqual({ ok: false, field: 'recvBuffer', message: 'The receive buffer must be a whole number of bytes, 4096 or more.' });
    const small = formToConfig({ ...defaultSetupForm, port: '4000', recvBuffer: '100' });
    expect(small.ok ? null : small.field).toBe('recvBuffer');
    expect(configToForm({ port: 4000, recvBufferBytes: 65536 }).recvBuffer).toBe('65536');
  });

  it('asks for live alerts on the conditions typed, with the conditions parser\'s own sentence beside the field', () => {
    expect(formToConfig({ ...defaultSetupForm, port: '4000', alertOn: ' gap>500ms, loss>1%,, ' })).toEqual({ ok: true, config: { port: 4000, binMs: 100, alertOn: ['gap>500ms', 'loss>1%'] } });
    const none = formToConfig({ ...defaultSetupForm, port: '4000', alertOn: ' , ' });
    expect(none.ok && 'alertOn' in none.config).toBe(false);
    expect(formToConfig({ ...defaultSetupForm, port: '4000', alertOn: 'gap>500' })).toEqual({ ok: false, field: 'alertOn', message: '"gap>500" needs a unit: ms, s or min (e.g. gap>500ms).' });
    let parserSays = '';
    try {
      parseConditions(['gap>1s, services<1'], 'stream');
    } catch (e) {
      parserSays = (e as Error).message;
    }
    expect(formToConfig({ ...defaultSetupForm, port: '4000', alertOn: 'gap>1s, services<1' })).toEqual({ ok: false, field: 'alertOn', message: parserSays });
    expect(configToForm({ port: 4000, alertOn: ['gap>500ms', 'no-data>5s'] }).alertOn).toBe('gap>500ms, no-data>5s');
  });

  it('round-trips through configToForm', () => {
    const form = { ...defaultSetupForm, port: '4000', address: '239.1.2.3', iface: 'vins', binMs: '50', gapMode: 'manual' as const, gapMs: '250', expectedRate: '500', expectedUnit: 'packets' as const, label: 'GDL90', decode: 'seq:0:16:be', alertOn: 'gap>500ms, loss>1%' };
    const r = formToConfig(form);
    expect(r.ok).toBe(true);
    if (r.ok) expect(configToForm(r.config)).toEqual(form);
  });

  it('knows a multicast group', () => {
    expect(isGroupAddress(' 239.1.2.3 ')).toBe(true);
    expect(isGroupAddress('ff02::fb')).toBe(true);
    expect(isGroupAddress('10.0.0.1')).toBe(false);
  });
});
