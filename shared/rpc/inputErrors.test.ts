// The door's sentences: about the field in the user's words, with what to do, naming the field for the form.
import { describe, expect, it } from 'vitest';
import type { RequestName } from '../contract';
import { GapscopeError } from '../errors';
import { validateArgs } from './dispatcher';
import { fieldWords } from './inputErrors';

function refusal(method: RequestName, args: unknown[]): { message: string; field?: string } {
  try {
    validateArgs(method, args);
  } catch (e) {
    expect(e).toBeInstanceOf(GapscopeError);
    const { message, field } = (e as GapscopeError).toInfo();
    return field === undefined ? { message } : { message, field };
  }
  throw new Error(`${method} accepted ${JSON.stringify(args)}`);
}

describe('a refused request is one sentence about one field', () => {
  it('says what is missing or of the wrong kind, without the schema library\u2019s words', () => {
    const ad = { name: 'Test', type: '_gapscope._udp', txt: [] };
    expect(refusal('advertiseService', [{ ...ad, port: null }])).toEqual({ message: 'Give the port.', field: 'port' });
    expect(refusal('advertiseService', [{ ...ad, port: 'eighty' }])).toEqual({ message: 'The port must be a number.', field: 'port' });
    expect(refusal('advertiseService', [{ ...ad, port: 1.5 }])).toEqual({ message: 'The port must be a whole number.', field: 'port' });
    expect(refusal('probeDns', [{ name: 'example.com', timeoutMs: Number.NaN }])).toEqual({ message: 'The timeout must be a number.', field: 'timeoutMs' });
    expect(refusal('probeDns', [{ name: 'example.com', edns: 'yes' }])).toEqual({ message: 'The EDNS setting must be on or off.', field: 'edns' });
    expect(refusal('startSender', [{ host: '10.0.0.1', port: 4000, format: 'mp3' }])).toEqual({ message: 'The format must be one of seq, iperf2, rtp, gdl90.', field: 'format' });
  });

  it('keeps the contract\u2019s own words, and never names the method', () => {
    const r = refusal('probeDns', [{ name: 'example.com', server: 'dns.example' }]);
    expect(r.field).toBe('server');
    expect(r.message).toMatch(/^"dns\.example" is not a DNS server address: give an IPv4 or IPv6 address/);
    expect(r.message).not.toMatch(/probeDns|Invalid input|expected/);
    expect(refusal('probeDns', [{ name: 'example.com', timeoutMs: 0 }])).toEqual({ message: 'The timeout is 1 ms to 60 s.', field: 'timeoutMs' });
    expect(refusal('startBrowse', [{ types: ['http'] }])).toMatchObject({ message: expect.stringMatching(/^The type is not a service type like _http\._tcp/), field: 'types' });
    expect(refusal('advertiseService', [{ name: 'T', type: '_g._udp', port: 1, txt: ['=x'] }])).toEqual({ message: 'A TXT entry must start with a key, not "=".', field: 'txt' });
  });

  it('names an unknown setting, a positional argument by its contract name, and says so when there is none', () => {
    expect(refusal('probeDns', [{ name: 'example.com', extra: 1 }])).toEqual({ message: 'Gapscope does not know the setting "extra"; leave it out.', field: 'extra' });
    expect(refusal('routeTo', ['bad host!'])).toEqual({ message: 'The host is not an IP address or host name.', field: 'host' });
    expect(refusal('getServiceDetails', [''])).toEqual({ message: 'The service must not be empty.', field: 'service' });
  });

  it('puts field keys into words', () => {
    expect(fieldWords('timeoutMs')).toBe('timeout');
    expect(fieldWords('durationSec')).toBe('duration');
    expect(fieldWords('streamId')).toBe('stream id');
    expect(fieldWords('iface')).toBe('interface');
    expect(fieldWords('qps')).toBe('rate');
  });
});

describe('internal failures', () => {
  it('reach the page as one generic sentence; the details go to the log', async () => {
    const { createDispatcher } = await import('./dispatcher');
    const lines: string[] = [];
    const service = { getHealth: () => { throw new Error("EACCES: permission denied, open '/home/u/.config/Gapscope/settings.json'"); } };
    const dispatch = createDispatcher(service as never, { log: (l) => lines.push(l) });
    const out = await dispatch('getHealth', []);
    expect(out).toEqual({ ok: false, error: { code: 'internal', message: 'Something went wrong inside Gapscope (not in what you entered); the details are in its log.' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/internal error in getHealth: Error: EACCES: permission denied, open '\/home\/u\/\.config/);
    // A sentence about the user's input passes through, with its field.
    const refused = await dispatch('routeTo', ['bad host!']);
    expect(refused).toEqual({ ok: false, error: { code: 'invalid-argument', message: 'The host is not an IP address or host name.', field: 'host' } });
    expect(lines).toHaveLength(1);
  });
});
