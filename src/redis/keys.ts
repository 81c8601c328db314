/**
 * Every Redis key this worker writes is built here, and docs/redis-keys.md mirrors this
 * file. Keys carry a configurable prefix (REDIS_KEY_PREFIX) so one database can hold
 * several sites or test runs side by side.
 */
export interface RedisKeys {
  /** Set (calendar month) or sorted set (rolling) of article ids a reader read. */
  meter(periodId: string, subject: string): string;
}

export function createKeys(prefix: string): RedisKeys {
  return {
    meter: (periodId, subject) => `${prefix}meter:${periodId}:${subject}`,
  };
}
