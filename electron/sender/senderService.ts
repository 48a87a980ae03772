/** The traffic generator as a back-end service: the UI's Send panel starts, watches and stops senders here. */
import type { NetInterface } from '../../shared/network/types';
import type { SenderConfig, SenderInfo, senderRequests } from '../../shared/contract/sender';
import { GapscopeError, toErrorInfo } from '../../shared/errors';
import { averageRate } from '../../shared/generator/sendSchedule';
import { formatEndpoint } from '../../shared/net/address';
import { sendErrorHint } from '../../shared/network/explain';
import type { FeatureService, ServiceContext } from '../kernel/services';
import { createGenerator, sweepOutline } from './sendSetup';
import type { GeneratorStats, TrafficGenerator } from './trafficGenerator';

/** Senders kept (finished ones are forgotten oldest first). */
const MAX_SENDERS = 50;

interface Running {
  info: SenderInfo;
  generator: TrafficGenerator | null;
  ticker: NodeJS.Timeout | null;
}

/** Creates the generator service; senders run in the back end's process (their pacing tick is ~1 ms of work per ms at 50k pps). */
export function createSenderService(ctx: ServiceContext, listInterfaces: () => NetInterface[], now: () => number = Date.now, platform: string = process.platform): FeatureService<keyof typeof senderRequests> {
  const senders = new Map<string, Running>();
  let counter = 0;

  const apply = (r: Running, s: GeneratorStats): void => {
    Object.assign(r.info, { sent: s.sent, bytes: s.bytes, sendErrors: s.errors, lastSendError: s.lastError, elapsedMs: s.elapsedMs, achievedPps: s.achievedPps, refused: s.refused });
    if (r.info.sweep && s.steps) r.info.sweep = { ...r.info.sweep, steps: s.steps };
    // Read once, at the first error: the interfaces are only needed to tell a local-network target.
    if (s.errors > 0 && r.info.sendErrorHint === undefined) r.info.sendErrorHint = sendErrorHint(s.lastError, r.info.config.host, listInterfaces(), platform);
  };
  const publish = (r: Running): void => ctx.emit('senderStatus', { ...r.info });
  const where = (c: SenderConfig) => formatEndpoint(c.host, c.port);

  const end = (r: Running, status: 'done' | 'stopped', s: GeneratorStats): void => {
    if (r.ticker) clearInterval(r.ticker);
    r.ticker = null;
    r.generator = null;
    apply(r, s);
    r.info.status = status;
    publish(r);
    ctx.timeline.post({ source: 'generator', kind: status === 'done' ? 'sender-finished' : 'sender-stopped', severity: 'info', summary: `Sender to ${where(r.info.config)} ${status === 'done' ? 'finished' : 'stopped'}: ${s.sent} packets`, detail: { id: r.info.id } });
  };

  const prune = (): void => {
    if (senders.size <= MAX_SENDERS) return;
    for (const [id, r] of senders) {
      if (senders.size <= MAX_SENDERS) break;
      if (!r.generator) senders.delete(id);
    }
  };

  const find = (id: string): Running => {
    const r = senders.get(id);
    if (!r) throw new GapscopeError('not-found', `No sender ${id}.`);
    return r;
  };

  return {
    handlers: {
      startSender: async (config) => {
        const { generator, plan, run, sweep } = createGenerator(config, listInterfaces(), now);
        const id = `send-${++counter}`;
        const info: SenderInfo = {
          id,
          config,
          status: 'sending',
          error: null,
          startedAt: now(),
          targetPps: config.format === 'gdl90' || sweep ? null : averageRate(plan),
          sent: 0,
          bytes: 0,
          sendErrors: 0,
          lastSendError: null,
          elapsedMs: 0,
          achievedPps: 0,
          paired: run !== null,
          run: run === null ? null : run.toString(16).padStart(8, '0'),
          refused: 0,
          ...(sweep ? { sweep: sweepOutline(plan, sweep, config.stepSec) } : {}),
        };
        const r: Running = { info, generator, ticker: null };
        senders.set(id, r);
        prune();
        let finished: Promise<GeneratorStats>;
        try {
          finished = generator.start();
        } catch (err) {
          info.status = 'error';
          info.error = toErrorInfo(err);
          r.generator = null;
          publish(r);
          throw err;
        }
        r.ticker = setInterval(() => {
          if (!r.generator) return;
          apply(r, r.generator.stats());
          publish(r);
        }, 1000);
        r.ticker.unref?.();
        void finished.then((s) => {
          if (r.info.status === 'sending') end(r, 'done', s);
        });
        ctx.timeline.post({ source: 'generator', kind: 'sender-started', severity: 'info', summary: `Sender to ${where(config)} started (${config.format}, ${config.format === 'gdl90' ? 'receiver timing' : `${config.rate}`}, ${config.pattern})`, detail: { id } });
        publish(r);
        return { ...info };
      },
      stopSender: async (id) => {
        const r = find(id);
        if (r.generator && r.info.status === 'sending') {
          r.info.status = 'stopped';
          const s = await r.generator.stop();
          end(r, 'stopped', s);
        }
        return { ...r.info };
      },
      removeSender: async (id) => {
        const r = find(id);
        if (r.generator) throw new GapscopeError('invalid-argument', `Sender ${id} is still sending; stop it first.`);
        senders.delete(id);
        ctx.emit('senderRemoved', { id });
      },
      listSenders: () => [...senders.values()].map((r) => ({ ...r.info })),
    },
    async close() {
      for (const r of senders.values()) {
        if (r.generator && r.info.status === 'sending') {
          r.info.status = 'stopped';
          end(r, 'stopped', await r.generator.stop());
        }
      }
    },
  };
}
