import { type Backend, redisAnswers } from './backend';
import { MemoryBackend } from './memory-backend';
import { RedisBackend } from './redis-backend';

export type BackendChoice = 'auto' | 'redis' | 'memory';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * - memory: the embedded store.
 * - redis: opts.redisUrl, else REDIS_URL, else the default local server; fails if unreachable.
 * - auto: a configured URL is a promise that Redis is there, so it behaves as `redis` (and
 *   fails loudly rather than quietly testing against something else); with no URL, use the
 *   local redis-server if it answers PING within ~300 ms, else the embedded store.
 */
export async function chooseBackend(
  choice: BackendChoice,
  redisUrl: string | undefined,
): Promise<Backend> {
  const configured = redisUrl ?? (process.env.REDIS_URL || undefined);
  switch (choice) {
    case 'memory':
      return new MemoryBackend();
    case 'redis':
      return RedisBackend.connect(configured ?? DEFAULT_REDIS_URL);
    case 'auto':
      if (configured) return RedisBackend.connect(configured);
      if (await redisAnswers('127.0.0.1', 6379, 300))
        return RedisBackend.connect(DEFAULT_REDIS_URL);
      return new MemoryBackend();
    default:
      throw new Error(`upstash-local: unknown backend "${String(choice)}" (auto, redis or memory)`);
  }
}
