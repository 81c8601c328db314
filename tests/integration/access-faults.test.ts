import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  type AccessBody,
  accessRequest,
  articleId,
  BASE,
  callWorker,
  readInOrder,
  withBindings,
} from '../support/worker';

/**
 * A reader who has read before, so the next read needs Redis: a new reader's first read is
 * carried in its id and asks nothing (src/meter/carried.ts), whatever state Redis is in.
 */
async function returning(): Promise<{ id: string }> {
  const [first] = await readInOrder(callWorker, [articleId()]);
  return { id: first?.reader.id as string };
}

// The time limit is ours (REDIS_TIMEOUT_MS, 200 ms by default). The bound asserted here is
// deliberately loose (this machine is shared and noisy): it proves the answer does not wait
// for the client's default retries (seconds) or for a hung server (forever).
const GENEROUS_BOUND_MS = 3_000;

describe.each([
  ['unreachable (connection refused)', () => env.TEST_CLOSED_URL],
  ['hanging (accepts, never answers)', () => env.TEST_HANGING_URL],
])('Redis %s', (_, url) => {
  const faulty = () => withBindings({ UPSTASH_REDIS_REST_URL: url() });

  it('the anonymous meter fails open: granted, reason degraded, and a header says so', async () => {
    const fetcher = faulty();
    const reader = await returning();
    const started = Date.now();
    const response = await fetcher(accessRequest({ article: { id: articleId() }, reader }));
    const elapsed = Date.now() - started;

    expect(response.status).toBe(200);
    expect(response.headers.get('paywall-degraded')).toMatch(/^meter-(timeout|unavailable)$/);
    const body = (await response.json()) as AccessBody;
    expect([body.access, body.reason, body.meter]).toEqual(['granted', 'degraded', null]);
    expect(body.reader.id).toMatch(/\./); // the reader still gets an id
    expect(elapsed).toBeLessThan(GENEROUS_BOUND_MS);
  });

  it('fails closed when configured to', async () => {
    const fetcher = withBindings({
      UPSTASH_REDIS_REST_URL: url(),
      PAYWALL_CONFIG: { onMeterFailure: 'closed' },
    });
    const reader = await returning();
    const body = (await (
      await fetcher(accessRequest({ article: { id: articleId() }, reader }))
    ).json()) as AccessBody;
    expect([body.access, body.reason]).toEqual(['denied', 'degraded']);
  });

  it('does not affect articles that never need the meter', async () => {
    const fetcher = withBindings({
      UPSTASH_REDIS_REST_URL: url(),
      PAYWALL_CONFIG: { rules: [{ match: { path: '/free/**' }, access: 'free' }] },
    });
    const response = await fetcher(accessRequest({ article: { id: 'free/x' } }));
    expect(response.headers.get('paywall-degraded')).toBeNull();
    expect(((await response.json()) as AccessBody).reason).toBe('free_article');
  });

  it('healthz stays 200 and reports Redis as down', async () => {
    const response = await faulty()(new Request(`${BASE}/_paywall/healthz`));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; redis: { status: string } };
    expect(body.status).toBe('ok');
    expect(['timeout', 'unavailable']).toContain(body.redis.status);
  });
});

it('a hanging Redis is reported as a timeout, specifically', async () => {
  const fetcher = withBindings({
    UPSTASH_REDIS_REST_URL: env.TEST_HANGING_URL,
    REDIS_TIMEOUT_MS: '150',
  });
  const reader = await returning();
  const response = await fetcher(accessRequest({ article: { id: articleId() }, reader }));
  expect(response.headers.get('paywall-degraded')).toBe('meter-timeout');
});
