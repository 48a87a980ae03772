// The page's sentences for refusals: the back end's own words when they are about the user's input,
// never a stack, an errno, a path of the back end's machine or the schema library's wording.
import { describe, expect, it, vi } from 'vitest';
import { GapscopeError, INTERNAL_ERROR_MESSAGE } from '../../shared/errors';
import { createApiClient } from '../../shared/rpc/client';
import { createWebSocketTransport } from '../api/transport';
import { checkRequest, errorSentence, refusalOf, showError, VERSION_MISMATCH_MESSAGE } from './errors';

describe('errorSentence', () => {
  it('keeps a sentence about the input as the back end wrote it', () => {
    expect(errorSentence({ code: 'port-in-use', message: 'Port 4000 is already in use by another program.' })).toBe('Port 4000 is already in use by another program.');
    expect(errorSentence({ code: 'invalid-argument', message: 'The port must be at least 1.', field: 'port' })).toBe('The port must be at least 1.');
    expect(errorSentence({ code: 'invalid-argument', message: 'pause:6000/500 ends at 10.0.0.0/24 or http://host/x' })).toBe('pause:6000/500 ends at 10.0.0.0/24 or http://host/x');
  });

  it('keeps a reason written for people even when its code is internal (the door already hid internal refusals)', () => {
    expect(errorSentence({ code: 'internal', message: INTERNAL_ERROR_MESSAGE })).toBe(INTERNAL_ERROR_MESSAGE);
    expect(errorSentence({ code: 'internal', message: 'The recording was cut short (the app was closed or killed); the capture holds 12 packets up to its last flush.' })).toBe('The recording was cut short (the app was closed or killed); the capture holds 12 packets up to its last flush.');
    expect(errorSentence({ code: 'internal', message: 'Cannot write /root/.config/Gapscope/settings.json: ENOSPC' })).toBe('Cannot write settings.json: the disk is full');
  });

  it('says one generic sentence for anything carrying a stack, a module or a JavaScript failure', () => {
    expect(errorSentence({ code: 'not-found', message: 'Internal error: ENOSPC: no space left on device' })).toBe(INTERNAL_ERROR_MESSAGE);
    expect(errorSentence({ code: 'socket-error', message: "TypeError: Cannot read properties of undefined (reading 'x')\n    at f (/app/out/main/main.js:10:5)" })).toBe(INTERNAL_ERROR_MESSAGE);
    expect(errorSentence({ code: 'internal', message: "The receiver stopped unexpectedly: Cannot read properties of undefined (reading 'x')" })).toBe(INTERNAL_ERROR_MESSAGE);
    expect(errorSentence({ code: 'internal', message: 'The receiver stopped unexpectedly: t.push is not a function' })).toBe(INTERNAL_ERROR_MESSAGE);
    expect(errorSentence({ code: 'not-found', message: '   ' })).toBe(INTERNAL_ERROR_MESSAGE);
  });

  it('names no request method: a request the back end does not know means another version', () => {
    expect(errorSentence({ code: 'unknown-method', message: 'Unknown request "probeDns"' })).toBe(VERSION_MISMATCH_MESSAGE);
  });

  it('replaces the schema library\u2019s words by the field\u2019s', () => {
    expect(errorSentence({ code: 'invalid-argument', message: 'Invalid arguments for advertiseService: port: Invalid input: expected number, received null', field: 'port' })).toBe('The port is not valid.');
    expect(errorSentence({ code: 'invalid-argument', message: 'Invalid input: expected string, received number', field: 'config.timeoutMs' })).toBe('The timeout is not valid.');
    expect(errorSentence({ code: 'invalid-argument', message: 'Unrecognized key: "x"' })).toBe('Something in what you entered is not valid.');
  });

  it('shows a path by its last part only, and drops errno codes and system calls', () => {
    expect(errorSentence({ code: 'not-found', message: 'No such file on the machine running Gapscope: /home/qa/captures/run 1.pcapng.' })).toBe('No such file on the machine running Gapscope: run 1.pcapng.');
    expect(errorSentence({ code: 'permission-denied', message: "Cannot read /srv/cap.pcap: EACCES: permission denied, open '/srv/cap.pcap'." })).toBe('Cannot read cap.pcap: permission denied.');
    expect(errorSentence({ code: 'permission-denied', message: 'Cannot keep the sessions folder setting: no permission to write /root/.config/Gapscope/settings.json (read-only file system).' })).toBe('Cannot keep the sessions folder setting: no permission to write settings.json (read-only file system).');
    expect(errorSentence({ code: 'not-found', message: '"/data/sessions/" does not exist: choose an existing folder.' })).toBe('"sessions" does not exist: choose an existing folder.');
    expect(errorSentence({ code: 'not-found', message: 'No such file: C:\\Users\\qa\\cap.pcapng or \\\\nas\\share\\x.pcap.' })).toBe('No such file: cap.pcapng or x.pcap.');
    expect(errorSentence({ code: 'not-found', message: 'No such file: ~/caps/a.pcap' })).toBe('No such file: a.pcap');
    expect(errorSentence({ code: 'not-found', message: "The recording was cut short and its capture cannot be read: ENOENT: no such file or directory, open '/data/s/x.pcapng'" })).toBe('The recording was cut short and its capture cannot be read: no such file or directory');
    expect(errorSentence({ code: 'internal', message: 'The receiver stopped unexpectedly: EIO: i/o error, read.' })).toBe('The receiver stopped unexpectedly: i/o error.');
    expect(errorSentence({ code: 'invalid-argument', message: 'EDNS is off: EDNS0 options need it.' })).toBe('EDNS is off: EDNS0 options need it.');
  });
});

describe('showError', () => {
  const fieldOf = { host: 'to', port: 'to', durationSec: 'duration' } as const;

  it('goes beside the form field that the request field maps to', () => {
    expect(showError({ code: 'invalid-argument', message: 'The port must be at least 1.', field: 'port' }, fieldOf)).toEqual({ sentence: 'The port must be at least 1.', code: 'invalid-argument', field: 'to' });
    expect(showError({ code: 'invalid-argument', message: 'The duration must be more than 0.', field: 'config.durationSec' }, fieldOf)).toEqual({ sentence: 'The duration must be more than 0.', code: 'invalid-argument', field: 'duration' });
  });

  it('goes to the banner when it names no field of the form', () => {
    expect(showError({ code: 'address-not-available', message: 'No interface has 10.0.0.9.', field: 'iface' }, fieldOf)).toEqual({ sentence: 'No interface has 10.0.0.9.', code: 'address-not-available', field: null });
    expect(showError({ code: 'internal', message: INTERNAL_ERROR_MESSAGE }, fieldOf)).toEqual({ sentence: INTERNAL_ERROR_MESSAGE, code: 'internal', field: null });
  });
});

describe('checkRequest', () => {
  it('answers with the door\u2019s own refusal, or null when the door would let it through', () => {
    expect(checkRequest('startSender', [{ host: '10.0.0.1', port: 4000, format: 'mp3' as never }])).toEqual({ code: 'invalid-argument', message: 'The format must be one of seq, iperf2, rtp, gdl90.', field: 'format' });
    expect(checkRequest('startSender', [{ host: '10.0.0.1', port: 4000 }])).toBeNull();
  });
});

describe('refusalOf', () => {
  it('keeps what the door said, and hides what the door would have hidden', () => {
    expect(refusalOf(new GapscopeError('port-in-use', 'Port 4000 is already in use.', 'port'))).toEqual({ code: 'port-in-use', message: 'Port 4000 is already in use.', field: 'port' });
    expect(refusalOf(new GapscopeError('internal', 'ENOSPC at /root/.config/Gapscope'))).toEqual({ code: 'internal', message: INTERNAL_ERROR_MESSAGE });
    expect(refusalOf(new TypeError('x is undefined'))).toEqual({ code: 'internal', message: INTERNAL_ERROR_MESSAGE });
  });

  it('says a call failed because the connection dropped, through the real client and web transport', async () => {
    // A browser WebSocket stand-in that opens, takes one call and closes.
    class FakeSocket extends EventTarget {
      static OPEN = 1;
      static made: FakeSocket[] = [];
      readyState = 0;
      constructor() {
        super();
        FakeSocket.made.push(this);
      }
      sent: string[] = [];
      send(data: string): void {
        this.sent.push(data);
      }
    }
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
    try {
      const api = createApiClient(createWebSocketTransport('ws://x/api', () => undefined));
      const socket = FakeSocket.made[0];
      socket!.readyState = 1;
      socket!.dispatchEvent(new Event('open'));
      // The back end answers the transport's first call: the connection is up.
      const hello = JSON.parse(socket!.sent[0]!) as { id: number };
      socket!.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify({ type: 'reply', id: hello.id, outcome: { ok: true, value: {} } }) }));
      const lost = api.getAppInfo().catch((e: unknown) => refusalOf(e));
      await Promise.resolve();
      socket!.readyState = 3;
      socket!.dispatchEvent(Object.assign(new Event('close'), { code: 1006, reason: '' }));
      const refusal = await lost;
      expect(refusal).toEqual({ code: 'internal', message: 'The connection to the Gapscope back end was lost.' });
      expect(errorSentence(refusal as { code: 'internal'; message: string })).toBe('The connection to the Gapscope back end was lost.');
    } finally {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });
});
