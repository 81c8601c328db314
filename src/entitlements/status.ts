import type { SubscriberRecord } from './record';

/**
 * The one place that maps billing state to access (pure; `now` is an argument):
 * - `active` and `trialing` grant access until the end of the paid period;
 * - `past_due` grants access for a grace period (3 days by default) counted from when the
 *   payment failed, so a card that fails once does not lock a subscriber out mid-article;
 * - a supporter pass grants access until it ends, unless refunded or disputed;
 * - a thanks-only contribution (below the access threshold) never grants;
 * - everything else denies.
 */
export type RecordAccess =
  | { entitled: true; until: Date }
  | { entitled: false; why: 'inactive' | 'grace_over' | 'pass_over' | 'thanks_only' | 'disputed' };

export function accessFromRecord(
  record: SubscriberRecord,
  now: Date,
  policy: { pastDueGraceDays: number },
): RecordAccess {
  // Absent in records written before these fields existed: granted under the old rules.
  if (record.grantsAccess === false) return { entitled: false, why: 'thanks_only' };
  if (record.disputed === true) return { entitled: false, why: 'disputed' };
  const end = record.currentPeriodEnd === null ? null : new Date(record.currentPeriodEnd * 1000);
  if (record.kind === 'supporter_pass') {
    if (record.status !== 'active') return { entitled: false, why: 'inactive' };
    if (end === null || end <= now) return { entitled: false, why: 'pass_over' };
    return { entitled: true, until: end };
  }
  switch (record.status) {
    case 'active':
    case 'trialing':
      // Stripe renews at the period end; the webhook moves it on. Until then, trust the status.
      return {
        entitled: true,
        until: end !== null && end > now ? end : new Date(now.getTime() + 86_400_000),
      };
    case 'past_due': {
      const since =
        record.pastDueSince ?? record.currentPeriodEnd ?? Math.floor(now.getTime() / 1000);
      const graceEnd = new Date((since + policy.pastDueGraceDays * 86_400) * 1000);
      return graceEnd > now
        ? { entitled: true, until: graceEnd }
        : { entitled: false, why: 'grace_over' };
    }
    default:
      return { entitled: false, why: 'inactive' };
  }
}
