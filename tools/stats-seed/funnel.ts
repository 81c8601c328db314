import { shadowWalls } from '../../src/access/shadow';
import { cyrb53 } from '../../src/experiments/hash';
import type { MeterOutcome, MeterResult } from '../../src/meter/meter';
import { rulesConfigSchema } from '../../src/rules/config';
import type { ViewOutcome } from '../../src/schemas/stats';
import { label } from '../../src/stats/labels';
import type { Ledger } from './ledger';
import type { Purchase } from './purchases';
import type { ReaderTimeline } from './readers';

/**
 * One reader's reads counted as the worker counts them (src/stats/stats.ts, count-view.ts,
 * routes/proxy.ts): each read a view under the reader's variant; walled views and walled
 * readers, live and (with a shadow limit) by the shadow's rule (src/access/shadow.ts); a prompt
 * on every counted page except a crawler's, the wall on a walled one and the support prompt on
 * the others; from prompts, now and then, a checkout, and from half the checkouts a payment.
 * A reader who paid reads as a subscriber from then on. Pure apart from `rand`.
 */

/** Checkouts per prompt before a variant's lift. Assumptions: walls convert more. */
const CHECKOUT_PER_PROMPT = { wall: 0.04, support: 0.007 } as const;

/** Sign-ins: a walled reader now and then, a subscriber on a new device now and then. */
const SIGN_IN = { walled: 0.01, registrationShare: 0.7, subscriberPerDay: 0.015 } as const;

export interface VariantRates {
  /** Multiplies the checkouts per prompt. */
  lift: number;
  /** Paid per checkout started. */
  paid: number;
}

export interface Supporter {
  /** The day they started paying; before the range for the supporters already there. */
  since: string;
  offer: string;
  currency: string;
  annual: number;
}

export interface FunnelContext {
  ledger: Ledger;
  rand: () => number;
  meterLimit: number;
  /** The shadow's candidate limit; null when no shadow is configured. */
  shadowLimit: number | null;
  buy: (rand: () => number) => Purchase;
  rates: VariantRates;
  /** New recurring supporters are added here (for cancellations later). */
  supporters: Supporter[];
}

const DENIED: ReadonlySet<ViewOutcome> = new Set(['meter_exhausted', 'premium']);

/** The live rules the seeded reads met: the `premium` section is premium, the rest metered. */
const SEEDED_RULES = rulesConfigSchema.parse([
  { match: { section: 'premium' }, access: 'premium' },
]);
const METER_OUTCOMES: Partial<Record<ViewOutcome, MeterOutcome>> = {
  metered: 'counted',
  already_read: 'already_read',
  meter_exhausted: 'exhausted',
};

/**
 * Whether the shadow's limit would have walled this read: the worker's own rule
 * (src/access/shadow.ts), given the live meter's answer as the seeded read had it.
 */
function shadowWallsRead(
  outcome: ViewOutcome,
  used: number | null,
  limits: { live: number; shadow: number },
): boolean {
  const meterOutcome = METER_OUTCOMES[outcome];
  const meter: MeterResult | null =
    meterOutcome === undefined || used === null
      ? null
      : { ok: true, outcome: meterOutcome, used, limit: limits.live, resetsAt: new Date(0) };
  return shadowWalls({
    shadow: { meterLimit: limits.shadow },
    liveRules: SEEDED_RULES,
    liveLimit: limits.live,
    configuredLimit: limits.live,
    article: { id: 'seeded', section: outcome === 'premium' ? 'premium' : 'news' },
    entitled: outcome === 'subscriber',
    verifiedCrawler: outcome === 'verified_crawler',
    meter,
    onMeterFailure: 'open',
  });
}

export function countReader(reader: ReaderTimeline, variant: string, ctx: FunnelContext): void {
  const { ledger, rand } = ctx;
  const hash = cyrb53(`walled-reader|${reader.key}`).toString(36);
  let paid = false;
  let lastDay = '';
  for (const read of reader.reads) {
    const { day } = read;
    const outcome: ViewOutcome = paid ? 'subscriber' : read.outcome;
    const walled = DENIED.has(outcome);
    ledger.add(day, label.view(outcome, variant));
    ledger.step(day, 'views');
    if (walled) {
      ledger.step(day, 'walled');
      ledger.add(day, label.walled('live'));
      ledger.walled(day, 'live', hash);
    }
    if (
      ctx.shadowLimit !== null &&
      shadowWallsRead(outcome, read.used, { live: ctx.meterLimit, shadow: ctx.shadowLimit })
    ) {
      ledger.add(day, label.walled('shadow'));
      ledger.walled(day, 'shadow', hash);
    }
    if (outcome === 'subscriber' && day !== lastDay && rand() < SIGN_IN.subscriberPerDay) {
      ledger.add(day, label.identity('sign_in'));
      ledger.add(day, label.identity('restore'));
    }
    lastDay = day;
    if (outcome === 'verified_crawler') continue;
    const kind = walled ? 'wall' : 'support';
    ledger.add(day, label.prompt(kind, variant));
    ledger.step(day, 'prompts');
    if (walled && rand() < SIGN_IN.walled) {
      ledger.add(day, label.identity('sign_in'));
      if (rand() < SIGN_IN.registrationShare) ledger.add(day, label.identity('registration'));
    }
    if (!reader.prospect || paid) continue;
    if (rand() >= CHECKOUT_PER_PROMPT[kind] * ctx.rates.lift) continue;
    const purchase = ctx.buy(rand);
    ledger.add(day, label.checkout(purchase.offer, variant));
    ledger.step(day, 'checkouts');
    if (rand() >= ctx.rates.paid) continue;
    // Counted on the day of the checkout: the webhook follows the payment within seconds.
    paid = true;
    ledger.add(day, label.paid(purchase.offer, variant, purchase.currency));
    ledger.step(day, 'paid');
    ledger.add(day, label.amount(purchase.offer, variant, purchase.currency), purchase.amount);
    if (purchase.annual !== null && ledger.has(day)) {
      const { offer, currency, annual } = purchase;
      ctx.supporters.push({ since: day, offer, currency, annual });
    }
  }
}
