import type { MeterResult } from '../meter/meter';
import type { ArticleAccess } from '../rules/rules';
// The policy speaks the wire's words: `reason` and the verdict are defined once, with the
// access API's schema (src/schemas/access.ts).
import type { AccessReason, Verdict } from '../schemas/access';

export interface MeterView {
  limit: number;
  used: number;
  remaining: number;
  resetsAt: Date;
}

interface DecisionFields {
  reason: AccessReason;
  meter: MeterView | null;
  /** Set when the meter could not be asked; the response says so in a header too. */
  degraded: 'timeout' | 'unavailable' | null;
}

/** What the policy decides for a read that was counted (or needed no counting). */
export interface Verdicted extends DecisionFields {
  access: Verdict;
}

/**
 * The answer to a read that was not counted (`consume: false`, a HEAD, an error page). It
 * names the verdict a counted read would get, but is never one itself: nothing that checks
 * `access === 'granted'` can pass for it.
 */
export interface Peek extends DecisionFields {
  access: 'peek';
  wouldBe: Verdict;
}

export type Decision = Verdicted | Peek;

/** The same verdict, as a peek: what every decision made without counting becomes. */
export function asPeek(decision: Verdicted): Peek {
  return { ...decision, access: 'peek', wouldBe: decision.access };
}

export interface DecisionInput {
  /** The reader holds a valid entitlement (a verified token, refreshed or linked). */
  entitled: boolean;
  /** Verified search crawlers see the full text (with paywall structured data). */
  verifiedCrawler?: boolean;
  articleAccess: ArticleAccess;
  /** The meter's answer; null when the rules did not need the meter. */
  meter: MeterResult | null;
  onMeterFailure: 'open' | 'closed';
}

/**
 * Pure: the whole access policy in one exhaustive function (docs/architecture.md conventions
 * 4 and 5). No I/O and no clock; the meter already answered atomically, and its answer is
 * final.
 */
export function decideAccess(input: DecisionInput): Verdicted {
  if (input.entitled)
    return { access: 'granted', reason: 'subscriber', meter: null, degraded: null };
  if (input.verifiedCrawler) {
    return { access: 'granted', reason: 'verified_crawler', meter: null, degraded: null };
  }
  switch (input.articleAccess) {
    case 'free':
      return { access: 'granted', reason: 'free_article', meter: null, degraded: null };
    case 'premium':
      return { access: 'denied', reason: 'premium', meter: null, degraded: null };
    case 'metered':
      return decideMetered(input.meter, input.onMeterFailure);
  }
}

function decideMetered(meter: MeterResult | null, onFailure: 'open' | 'closed'): Verdicted {
  if (meter === null || !meter.ok) {
    const degraded = meter?.ok === false ? meter.failure : 'unavailable';
    return {
      access: onFailure === 'open' ? 'granted' : 'denied',
      reason: 'degraded',
      meter: null,
      degraded,
    };
  }
  const view: MeterView = {
    limit: meter.limit,
    used: meter.used,
    remaining: Math.max(0, meter.limit - meter.used),
    resetsAt: meter.resetsAt,
  };
  switch (meter.outcome) {
    case 'counted':
    case 'available':
      return { access: 'granted', reason: 'metered', meter: view, degraded: null };
    case 'already_read':
      return { access: 'granted', reason: 'already_read', meter: view, degraded: null };
    case 'exhausted':
      return { access: 'denied', reason: 'meter_exhausted', meter: view, degraded: null };
  }
}
