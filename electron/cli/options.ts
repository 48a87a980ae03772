/** Parses command-line values strictly, with messages that name the option. */
import { InvalidArgumentError, type Command } from 'commander';
import { addressFamily, isMulticast } from '../../shared/net/address';

/** A number as typed, for a value the contract checks at its door (a blank or a word becomes NaN, which the door refuses). */
export function numberArg(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** A whole number within [min, max], or a usage error naming the range (for options only the CLI reads). */
export function intOption(name: string, min: number, max: number) {
  return (text: string): number => {
    if (!/^-?\d+$/.test(text.trim())) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    const n = Number(text);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be from ${min} to ${max}.`);
    return n;
  };
}

/** A positive decimal number up to max. */
export function numberOption(name: string, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`${name} must be a number greater than 0 and at most ${max}.`);
    return n;
  };
}

/** An IPv4 or IPv6 address; with multicast set, only a multicast group. */
export function addressOption(name: string, kind: 'any' | 'multicast' | 'not-multicast' = 'any') {
  return (text: string): string => {
    const t = text.trim();
    if (addressFamily(t) === null) throw new InvalidArgumentError(`${name} must be an IPv4 or IPv6 address.`);
    if (kind === 'multicast' && !isMulticast(t)) throw new InvalidArgumentError(`${name} must be a multicast group (224.0.0.0/4 or ff00::/8); use --address for unicast or broadcast.`);
    if (kind === 'not-multicast' && isMulticast(t)) throw new InvalidArgumentError(`${name} is a multicast group; use --group to join it.`);
    return t;
  };
}

/**
 * Ctrl+C (or SIGTERM) ends a long run early with its report: `stopped` resolves on the first
 * signal, and `cancel` removes the handlers so the signals behave normally again after the run.
 * While it waits it keeps the process alive: the back end's own timers and children are unref'd,
 * so without this `net watch` (no --duration) ended at once.
 */
export function untilSignal(): { stopped: Promise<void>; cancel(): void } {
  let done = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    done = (): void => {
      cancel();
      resolve();
    };
  });
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const cancel = (): void => {
    clearInterval(keepAlive);
    process.removeListener('SIGINT', done);
    process.removeListener('SIGTERM', done);
  };
  process.once('SIGINT', done);
  process.once('SIGTERM', done);
  return { stopped, cancel };
}

/** The flag of `command` that gave the contract field a refusal names ("timeoutMs" → --timeout, "durationSec" → --duration), or null. */
export function flagForField(command: Command | null, field: string | undefined): string | null {
  if (!command || !field) return null;
  const key = field.split('.')[0] ?? field;
  const bare = key.replace(/(Ms|Sec|S|Bytes)$/, '');
  const want = [key, bare, key.replace(/s$/, ''), `${bare}s`];
  const found = command.options.find((o) => want.includes(o.attributeName()));
  return found?.long ?? null;
}

/** The flags that pick and read one stream in a capture, as `analyze` and `export` both take them. */
export interface CaptureStreamFlags {
  port?: number;
  flow?: string;
  decode: string;
  bin: number;
  gapMs?: number;
}

/**
 * Adds the capture stream flags to a command, written once so the two commands say the same;
 * `forWhat` starts each help line where the command also reads other files ("for a capture: ").
 */
export function captureStreamOptions(command: Command, forWhat = ''): Command {
  return command
    .option('-p, --port <port>', `${forWhat}the stream\u2019s UDP destination port`, numberArg)
    .option('--flow <flow>', `${forWhat}the flow, e.g. 10.0.0.1:5000>10.0.0.2:4000 ([IPv6]:port; * or a bare address or :port on either side)`)
    .option('--decode <format>', `${forWhat}payload format for loss by sequence number: auto, none, iperf2, iperf3, rtp, mavlink, mpegts, gdl90, nmea, seq, or seq:OFFSET:WIDTH:be|le`, 'auto')
    .option('--bin <ms>', `${forWhat}throughput bin width, 10 ms to 10 s`, numberArg, 100)
    .option('--gap-ms <ms>', `${forWhat}gap threshold in ms (default: automatic from the stream\u2019s cadence)`, numberArg);
}
