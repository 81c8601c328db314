import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { articleId, readInOrder, withBindings } from '../support/worker';

const DAY_MS = 86_400_000;

// The same meter scripts on both of upstash-local's backends: the real redis-server and the
// embedded in-memory Redis that a fresh machine falls back to.
describe.each([
  ['real redis-server (or embedded when none runs)', () => env.UPSTASH_REDIS_REST_URL],
  ['embedded in-memory Redis', () => env.TEST_UPSTASH_MEMORY_URL],
])('meter on %s', (_, url) => {
  it('calendar month: 3 granted, the 4th denied, a re-read free', async () => {
    const fetcher = withBindings({ UPSTASH_REDIS_REST_URL: url(), REDIS_TIMEOUT_MS: '2000' });
    const [a, b, c, d] = [articleId(), articleId(), articleId(), articleId()];
    const answers = await readInOrder(fetcher, [a, b, c, d, a] as string[]);
    expect(answers.map((x) => x.reason)).toEqual([
      'metered',
      'metered',
      'metered',
      'meter_exhausted',
      'already_read',
    ]);
  });

  it('rolling window: N reads per N days, reset when the oldest read leaves the window', async () => {
    const fetcher = withBindings({
      UPSTASH_REDIS_REST_URL: url(),
      REDIS_TIMEOUT_MS: '2000',
      PAYWALL_CONFIG: { meter: { limit: 2, window: { kind: 'rolling', days: 7 } } },
    });
    const started = Date.now();
    const [a, b, c] = [articleId(), articleId(), articleId()];
    const answers = await readInOrder(fetcher, [a, b, c, b] as string[]);
    expect(answers.map((x) => [x.reason, x.meter?.used])).toEqual([
      ['metered', 1],
      ['metered', 2],
      ['meter_exhausted', 2],
      ['already_read', 2],
    ]);
    // The slot frees 7 days after the first counted read.
    const resetsAt = Date.parse(answers[2]?.meter?.resetsAt ?? '');
    expect(resetsAt).toBeGreaterThanOrEqual(started + 7 * DAY_MS);
    expect(resetsAt).toBeLessThan(Date.now() + 7 * DAY_MS + 1);
  });
});
