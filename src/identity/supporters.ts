import type { Billing } from '../billing/billing';
import type { SubscriberRecord } from '../entitlements/record';
import { accessFromRecord } from '../entitlements/status';
import type { SubscriberStore } from '../entitlements/store';

/**
 * Finds the supporter behind an e-mail address through Stripe (asked through Billing), the
 * only place the address is kept: Checkout stored it on the customer. Stripe's `email` filter
 * is exact and case-sensitive, so the address is asked for as typed and as normalised. Only customers this
 * deployment has a record for count (records exist only for our own checkouts), and of those
 * only a record that grants access now; the one that grants longest wins.
 *
 * Throws when Stripe or Redis fails: the caller fails closed.
 */
export async function findSupporter(
  deps: {
    billing: Pick<Billing, 'customerIdsByEmail'>;
    store: Pick<SubscriberStore, 'findByCustomer'>;
    pastDueGraceDays: number;
    now: Date;
  },
  spellings: readonly string[],
): Promise<SubscriberRecord | null> {
  const customerIds = await deps.billing.customerIdsByEmail(spellings);
  let best: { record: SubscriberRecord; until: number } | null = null;
  for (const id of customerIds) {
    const record = await deps.store.findByCustomer(id);
    if (!record) continue;
    const access = accessFromRecord(record, deps.now, { pastDueGraceDays: deps.pastDueGraceDays });
    if (access.entitled && (best === null || access.until.getTime() > best.until)) {
      best = { record, until: access.until.getTime() };
    }
  }
  return best?.record ?? null;
}
