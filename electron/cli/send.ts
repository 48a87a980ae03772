/** `gapscope send`: a traffic generator the user controls, to reproduce a field problem on purpose: startSender over the contract. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { SENDER_FORMATS, type SenderInfo } from '../../shared/contract/sender';
import { formatEndpoint } from '../../shared/net/address';
import { formatCount } from '../../shared/format';
import { stepValueText } from '../../shared/reception/pairing';
import type { WithApi } from './backendApi';
import { numberArg, untilSignal } from './options';

/** What `send` was asked on the command line. */
export interface SendOptions {
  to: { host: string; port: number };
  iface?: string;
  ttl?: number;
  rate: string;
  size: number;
  format: (typeof SENDER_FORMATS)[number];
  pattern: string;
  duration?: number;
  /** commander's --no-pair: false turns the account off; true (its default) means "whenever it fits". */
  pair?: boolean;
  sweep?: string;
  stepSec?: number;
  json?: boolean;
}

/** Where `send` writes, how it reaches the back end, and what stops a run without --duration. */
export interface SendCliEnv {
  out(line: string): void;
  err(line: string): void;
  setExitCode?(code: number): void;
  withApi: WithApi;
  untilStopped?: () => Promise<void>;
}

const EXIT_FAILED = 1;

/** Splits "10.0.0.2:4000" and "[fd00::2]:4000"; the contract checks the address and the port. */
function parseDestination(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text.trim()) ?? /^([^:]+):(\d+)$/.exec(text.trim());
  if (!m?.[1] || !m[2]) throw new InvalidArgumentError('--to must be ADDRESS:PORT, e.g. 10.0.0.2:4000 or [fd00::2]:4000.');
  return { host: m[1], port: Number(m[2]) };
}

/** Sends until the duration ends or a stop; prints a line a second unless --json; resolves with the sender as the Send panel sees it. */
async function runSend(o: SendOptions, env: SendCliEnv): Promise<SenderInfo> {
  const signal = env.untilStopped ? null : untilSignal();
  try {
    return await env.withApi(async (api) => {
      let last = 0;
      let id: string | null = null;
      let finish: (s: SenderInfo) => void = () => undefined;
      const finished = new Promise<SenderInfo>((resolve) => (finish = resolve));
      const early: SenderInfo[] = [];
      let stepsShown = 0;
      const onStatus = (s: SenderInfo): void => {
        if (s.status !== 'sending') return finish(s);
        const sw = s.sweep;
        if (sw && !o.json) for (; stepsShown < sw.steps.length; stepsShown++) env.out(`step ${stepsShown + 1} of ${sw.values.length}: ${stepValueText(sw.kind, sw.values[stepsShown]!)}${sw.kind === 'rate' ? '' : `, ${Math.round(sw.ratesPps[stepsShown]!)} packets/s`} for ${sw.stepSec} s`);
        if (!o.json) env.out(`${(s.elapsedMs / 1000).toFixed(0).padStart(5)} s  ${String(s.sent - last).padStart(7)} pkt/s  total ${s.sent}${s.sendErrors ? `  errors ${s.sendErrors} (${s.lastSendError})` : ''}`);
        last = s.sent;
      };
      const off = api.on('senderStatus', (s) => {
        if (id === null) early.push(s);
        else if (s.id === id) onStatus(s);
      });
      try {
        const info = await api.startSender({ host: o.to.host, port: o.to.port, iface: o.iface, ttl: o.ttl, rate: o.rate, size: o.size, format: o.format, pattern: o.pattern, durationSec: o.duration, ...(o.pair === false ? { pair: false } : {}), ...(o.sweep !== undefined ? { sweep: o.sweep, stepSec: o.stepSec } : {}) });
        id = info.id;
        if (!o.json) {
          env.out(
            o.format === 'gdl90'
              ? `Sending a GDL90 receiver's stream to ${formatEndpoint(o.to.host, o.to.port)}: 1 Hz heartbeat, ID, ownship, geometric altitude, 3 traffic targets, 5 Hz AHRS (${o.pattern}; --rate and --size do not apply). Ctrl+C to stop.`
              : info.sweep
                ? `Sweeping ${info.sweep.kind} to ${formatEndpoint(o.to.host, o.to.port)}: ${info.sweep.values.map((v) => stepValueText(info.sweep!.kind, v)).join(', ')}, ${info.sweep.stepSec} s each (${o.pattern}). \`gapscope listen\` on the other end reports the first step with loss or gaps. Ctrl+C to stop.`
                : `Sending ${o.size}-byte datagrams to ${formatEndpoint(o.to.host, o.to.port)} at ${Math.round(info.targetPps ?? 0)} packets/s (${o.pattern}). Ctrl+C to stop.`,
          );
          if (info.paired) env.out(`Each datagram carries this sender's account (run ${info.run}): \`gapscope listen\` pairs with it and tells "sent and lost on the path" from "never sent".`);
        }
        // A short run may end before startSender's answer arrives.
        for (const s of early.filter((x) => x.id === id && x.status !== 'sending')) finish(s);
        const stopped = env.untilStopped ? env.untilStopped() : signal!.stopped;
        return await Promise.race([finished, stopped.then(() => api.stopSender(info.id))]);
      } finally {
        off();
      }
    });
  } finally {
    signal?.cancel();
  }
}

/** Adds `send` to the program. */
export function registerSendCommands(program: Command, env: SendCliEnv): void {
  const fail = (code: number): void => (env.setExitCode ? env.setExitCode(code) : void (process.exitCode = code));
  program
    .command('send')
    .description('Send a UDP test stream at a set rate or pattern, to reproduce a field problem (bursts, pauses, a cut after N bytes).')
    .requiredOption('-t, --to <address:port>', 'destination: unicast, broadcast or multicast, e.g. 10.0.0.2:4000 or [ff15::1]:5001', parseDestination)
    .option('-i, --iface <name|address>', 'interface to send multicast from')
    .option('--ttl <hops>', 'TTL / hop limit', numberArg)
    .option('-r, --rate <rate>', 'packets/s (1000, 1000pps) or payload bit rate (2M, 500kbit)', '1000')
    .option('--size <bytes>', 'payload size (16–65507)', numberArg, 512)
    .addOption(new Option('--format <format>', 'payload format; gdl90 sends a receiver\u2019s stream (1 Hz heartbeat, ownship, geometric altitude, traffic, 5 Hz AHRS) and ignores --rate and --size').choices([...SENDER_FORMATS]).default('seq'))
    .option('--pattern <pattern>', 'steady, pause:ON_MS/OFF_MS, burst:N/EVERY_MS or cut-after:BYTES[/PAUSE_MS] (BYTES may end in k)', 'steady')
    .option('-d, --duration <seconds>', 'stop after this many seconds (default: until Ctrl+C)', numberArg)
    .option('--no-pair', "leave the sender's account out of the seq datagrams (by default it rides in every seq datagram of 52 bytes or more)")
    .option('--sweep <what:from-to/steps>', 'raise rate, size or burst in steps, e.g. rate:1000-20000/8, size:64-1400/6, burst:10-200/5 (with --pattern burst:N/MS); a paired listener reports the first step with loss')
    .option('--step-sec <seconds>', 'how long each sweep step lasts', numberArg, 2)
    .option('--json', 'print the sender as JSON at the end (sent, bytes, elapsedMs, achievedPps, targetPps, sendErrors, lastSendError, config, paired, run, sweep)')
    .action(async (opts: SendOptions) => {
      const s = await runSend(opts, env);
      if (opts.json) env.out(JSON.stringify(s));
      else {
        env.out(`Sent ${s.sent} datagrams (${s.bytes} bytes) in ${(s.elapsedMs / 1000).toFixed(2)} s: ${s.achievedPps.toFixed(0)} packets/s${s.targetPps === null ? '' : ` for a target of ${s.targetPps.toFixed(0)}`}.`);
        for (const st of s.sweep?.steps ?? []) env.out(`  step ${String(st.step + 1).padStart(3)}  ${stepValueText(s.sweep!.kind, st.value).padStart(18)}  sent ${formatCount(st.sent).padStart(9)}  from sequence ${st.firstSequence}`);
      }
      if (s.status === 'error') {
        env.err(`gapscope: ${s.error?.message ?? 'the sender failed'}`);
        fail(EXIT_FAILED);
      } else if (s.sendErrors > 0) {
        env.err(`gapscope: ${s.sendErrors} sends failed; the last: ${s.lastSendError}`);
        fail(EXIT_FAILED);
      }
    });
}
