import { parseEnv } from '../../src/env';
import { createRedisClient } from '../../src/redis/client';

/**
 * One bare `@upstash/redis` call (a GET of one key), with the client built exactly as the
 * worker builds its own: the physical floor for anything that asks the meter. Built once per
 * env object, like the real worker's services (src/index.ts). Runs inside workerd (the bench
 * workers), never in Node.
 */
export type RedisFloorCall = () => Promise<unknown>;
const calls = new WeakMap<object, RedisFloorCall>();

/** `keySuffix` is appended to the run's REDIS_KEY_PREFIX: the key the floor GETs. */
export function redisFloorFor(env: Record<string, unknown>, keySuffix: string): RedisFloorCall {
  let call = calls.get(env);
  if (!call) {
    const parsed = parseEnv(env);
    if (!parsed.ok) throw new Error(`bad configuration: ${parsed.problems.join('; ')}`);
    const { UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, REDIS_TIMEOUT_MS } = parsed.env;
    const redis = createRedisClient({
      url: UPSTASH_REDIS_REST_URL,
      token: UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: REDIS_TIMEOUT_MS,
    });
    const key = `${parsed.env.REDIS_KEY_PREFIX}${keySuffix}`;
    call = () => redis.get(key);
    calls.set(env, call);
  }
  return call;
}
