import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { newSubscriberId, type SubscriberRecord } from '../../src/entitlements/record';
import { createSubscriberStore } from '../../src/entitlements/store';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';

describe.each([
  ['the default Redis', () => env.UPSTASH_REDIS_REST_URL],
  ['the embedded Redis', () => env.TEST_UPSTASH_MEMORY_URL],
])('subscriber store on %s', (_, url) => {
  const store = () =>
    createSubscriberStore({
      redis: createRedisClient({
        url: url(),
        token: env.UPSTASH_REDIS_REST_TOKEN,
        timeoutMs: 5_000,
      }),
      keys: createKeys(env.REDIS_KEY_PREFIX),
      timeoutMs: 5_000,
    });
  const base = (): SubscriberRecord => ({
    v: 1,
    subscriberId: newSubscriberId(),
    kind: 'subscription',
    plan: 'monthly',
    status: 'active',
    currentPeriodEnd: 2_000_000_000,
    pastDueSince: null,
    stripe: {
      customerId: `cus_${crypto.randomUUID()}`,
      subscriptionId: `sub_${crypto.randomUUID()}`,
    },
    userKey: crypto.randomUUID().replace(/-/g, ''),
    updatedAt: 1_000,
  });

  it('finds a record by id and through every index', async () => {
    const record = base();
    expect(await store().upsert(record)).toBe('written');
    expect(await store().get(record.subscriberId)).toEqual(record);
    expect(await store().findByUser(record.userKey as string)).toEqual(record);
    expect(await store().findByCustomer(record.stripe.customerId as string)).toEqual(record);
    expect(await store().findByStripeSubscription(record.stripe.subscriptionId as string)).toEqual(
      record,
    );
    expect(await store().get(newSubscriberId())).toBeNull();
    expect(await store().findByUser('nobody')).toBeNull();
  });

  it('never lets an older version overwrite a newer one', async () => {
    const record = base();
    await store().upsert({ ...record, status: 'canceled', updatedAt: 2_000 });
    expect(await store().upsert({ ...record, status: 'active', updatedAt: 1_500 })).toBe('stale');
    expect((await store().get(record.subscriberId))?.status).toBe('canceled');
    expect(await store().upsert({ ...record, status: 'active', updatedAt: 2_500 })).toBe('written');
    expect((await store().get(record.subscriberId))?.status).toBe('active');
  });

  it('refuses to write a record that breaks its schema', async () => {
    await expect(
      store().upsert({ ...base(), subscriberId: 'alice@example.com' }),
    ).rejects.toThrow();
  });
});
