import type { OnceWrites } from '../billing/event-claims';
import type { BillingCount } from '../billing/webhooks';
import { logEvent } from '../log';
import type { ScriptRunner } from '../redis/client';
import type { RedisKeys } from '../redis/keys';
import type { IdentityEvent, PromptKind, ViewOutcome } from '../schemas/stats';
import type { StatsConfig } from './config';
import { dayOf, label, NO_VARIANT, supporterValue } from './labels';
import { expireAtOf, readRange, type StoredRange, writeBatch } from './store';
import { Tally } from './tally';

/**
 * The publisher's counters (docs/architecture.md, "The publisher's numbers"). Counting is
 * synchronous and costs a request nothing: it adds to the isolate's batch, which the app
 * flushes after a response (`due()`, then `flush()` in waitUntil). Payments are not batched:
 * they are counted with their Stripe event's done mark, once per event (`billingIncrements`).
 *
 * What can be lost, and nothing more: an isolate that ends loses its unflushed batch (at most
 * `flushEvents` events or `flushSeconds` of them); a flush that fails is dropped and logged,
 * never retried, so a flush that timed out but landed is never counted twice.
 */
export interface Stats {
  view(
    view: {
      outcome: ViewOutcome;
      variant: string | undefined;
      /** The live decision walled this view (and this reader, `readerHash`). */
      walled: boolean;
      /** The shadow configuration would have walled it; undefined without one. */
      shadowWalled: boolean | undefined;
      /** A one-way hash of the reader (for the walled-readers counts), never the id. */
      readerHash: string;
    },
    now: Date,
  ): void;
  prompt(kind: PromptKind, variant: string | undefined, now: Date): void;
  checkout(offer: string, variant: string | undefined, now: Date): void;
  identity(event: IdentityEvent, now: Date): void;
  /** Enough has gathered for a flush. */
  due(): boolean;
  /** Sends the batch (one round trip); never throws. */
  flush(): Promise<void>;
  /**
   * What a Stripe event writes, applied with its done mark (src/billing/event-claims.ts):
   * undefined when counting is off.
   */
  billingWrites(count: BillingCount, now: Date): OnceWrites | undefined;
  read(days: readonly string[]): Promise<StoredRange>;
}

/** Stripe retries for 3 days: a session or a cancellation is remembered well past that. */
const ONCE_TTL_MS = 30 * 86_400_000;

export function createStats(deps: {
  redis: ScriptRunner;
  keys: RedisKeys;
  timeoutMs: number;
  config: StatsConfig;
}): Stats {
  const { config, keys } = deps;
  const tally = new Tally({
    flushEvents: config.flushEvents,
    flushMs: config.flushSeconds * 1000,
  });
  const add = (now: Date, name: string) => {
    if (config.enabled) tally.add(dayOf(now), name);
  };

  return {
    view(view, now) {
      if (!config.enabled) return;
      const day = dayOf(now);
      tally.add(day, label.view(view.outcome, view.variant ?? NO_VARIANT));
      if (view.walled) {
        tally.add(day, label.walled('live'));
        tally.addReader(day, 'live', view.readerHash);
      }
      if (view.shadowWalled) {
        tally.add(day, label.walled('shadow'));
        tally.addReader(day, 'shadow', view.readerHash);
      }
    },
    prompt: (kind, variant, now) => add(now, label.prompt(kind, variant ?? NO_VARIANT)),
    checkout: (offer, variant, now) => add(now, label.checkout(offer, variant ?? NO_VARIANT)),
    identity: (event, now) => add(now, label.identity(event)),
    due: () => tally.due(),
    async flush() {
      const batch = tally.take();
      if (!batch) return;
      try {
        await writeBatch(deps.redis, keys, batch, {
          retentionDays: config.retentionDays,
          timeoutMs: deps.timeoutMs,
        });
      } catch (error) {
        logEvent('warn', 'stats_flush_failed', {
          events: batch.events,
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
    },
    billingWrites(count, now) {
      if (!config.enabled) return undefined;
      const today = dayOf(now);
      const day = { key: keys.statsDay(today), expireAt: expireAtOf(today, config.retentionDays) };
      const supporters = keys.statsSupporters();
      if (count.kind === 'paid') {
        const variant = count.variant || NO_VARIANT;
        return {
          once: { key: keys.statsOnce(`session:${count.sessionId}`), ttlMs: ONCE_TTL_MS },
          hashes: [
            {
              ...day,
              add: [
                [label.paid(count.offer, variant, count.currency), 1],
                [label.amount(count.offer, variant, count.currency), count.amount],
              ],
            },
            ...(count.recurring
              ? [
                  {
                    key: supporters,
                    expireAt: null,
                    set: [
                      [count.subscriberId, supporterValue(count.currency, count.annual)] as const,
                    ],
                  },
                ]
              : []),
          ],
        };
      }
      return {
        once: { key: keys.statsOnce(`cancel:${count.subscriberId}`), ttlMs: ONCE_TTL_MS },
        hashes: [
          { ...day, add: [[label.cancel(count.offer), 1]] },
          { key: supporters, expireAt: null, del: [count.subscriberId] },
        ],
      };
    },
    read: (days) => readRange(deps.redis, keys, days, deps.timeoutMs),
  };
}
