import { env } from 'cloudflare:workers';
import { createRedisClient } from '../../src/redis/client';

/** The test run's Redis, through upstash-local, with room for a busy machine. */
export function testRedis() {
  return createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: 10_000,
  });
}

/** Every key under `prefix` (a SCAN to the end). */
async function keysUnder(prefix: string): Promise<string[]> {
  const r = testRedis();
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, { match: `${prefix}*`, count: 1000 });
    found.push(...keys);
    cursor = String(next);
  } while (cursor !== '0');
  return found;
}

/**
 * The keys under `prefix` that are about readers: all but the publisher's per-day counters
 * (`stats:`, src/stats/), a handful per day whatever the number of readers, written whenever a
 * batch comes due (after 30 s on a slow run too).
 */
export async function readerKeysUnder(prefix: string): Promise<string[]> {
  return (await keysUnder(prefix)).filter((key) => !key.startsWith(`${prefix}stats:`));
}
