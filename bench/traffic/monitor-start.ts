import { type MonitorWatch, RedisMonitor } from '../access/monitor';
import type { Cleanup } from '../support/cleanup';

/**
 * `RedisMonitor.start`, retried past an ioredis race that a busy shared redis-server
 * triggers: ioredis marks a connection "monitoring" one microtask after MONITOR's `OK`, so
 * MONITOR lines that arrive in the same read as the `OK` are taken for replies to commands
 * never sent ("Command queue state error"). The first such error rejects `monitor()`; a
 * second one is emitted with no listener left, which would crash the process. While a start
 * is in progress those errors, and only those, are swallowed, and the start is tried again.
 * A failed attempt's MONITOR connection cannot be reached to close it; it ends with the
 * bench's process. (The fix belongs in bench/access/monitor.ts: open the MONITOR connection
 * with its error listener attached before it connects.)
 */
const RACE = /Command queue state error/;
const ATTEMPTS = 20;

export function startMonitor(
  cleanup: Cleanup,
  redisUrl: string,
  prefix: string,
  watch: MonitorWatch = 'decisions',
): Promise<RedisMonitor> {
  return pastTheRace(() => RedisMonitor.start(cleanup, redisUrl, prefix, watch));
}

async function pastTheRace<T>(start: () => Promise<T>): Promise<T> {
  const swallow = (error: Error) => {
    if (!RACE.test(error.message)) throw error;
  };
  process.on('uncaughtException', swallow);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (error) {
        if (attempt >= ATTEMPTS || !RACE.test(String(error))) throw error;
      }
    }
  } finally {
    process.off('uncaughtException', swallow);
  }
}
