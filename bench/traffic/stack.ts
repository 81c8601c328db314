import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { localDefaults } from '../../tools/dev/dev-vars';
import type { RedisMonitor } from '../access/monitor';
import type { Cleanup } from '../support/cleanup';
import { startUpstashChild } from '../support/upstash';
import { startWranglerDev, writeEnvFile } from '../support/wrangler';
import { startMonitor } from './monitor-start';

/**
 * One worker configuration, running: its own upstash-local, its own key prefix and MONITOR
 * watcher (so each one's commands are told apart at the shared redis-server), and `wrangler
 * dev` running the real worker (the same bundle for all) with this configuration's
 * PAYWALL_CONFIG.
 */
export interface StackMode {
  key: string;
  label: string;
  /** What differs in PAYWALL_CONFIG, as printed. */
  config: string;
  cookieState: boolean;
  /** PAYWALL_CONFIG `stats.enabled`: the publisher's counters (issue 15). */
  statsEnabled: boolean;
}

/** The two meter modes compared side by side (issue 14), both counting as deployed. */
export const MODES = [
  {
    key: 'redis',
    label: 'every read to Redis (today)',
    config: 'cookieState: false',
    cookieState: false,
    statsEnabled: true,
  },
  {
    key: 'cookie',
    label: 'meter in the reader id (new)',
    config: 'cookieState: true',
    cookieState: true,
    statsEnabled: true,
  },
] as const satisfies readonly StackMode[];
export type Mode = (typeof MODES)[number];
export type ModeKey = Mode['key'];

/**
 * The new meter with counting off and everything else equal: what the `cookie` mode's
 * counts cost is the difference between the two (issue 15).
 */
export const COUNTING_OFF: StackMode = {
  key: 'nostats',
  label: 'meter in the reader id, counting off',
  config: 'cookieState: true, stats.enabled: false',
  cookieState: true,
  statsEnabled: false,
};

export interface ModeStack {
  url: string;
  prefix: string;
  monitor: RedisMonitor;
  /** The publisher's counters' commands, which `monitor` leaves out (a `counters` watch). */
  counterMonitor: RedisMonitor;
  statsEnabled: boolean;
}

/**
 * Generous, so that a busy machine never turns a read `degraded` (a grant the guard would
 * count against the meter): the suites use 1 s for the same reason.
 */
export const REDIS_TIMEOUT_MS = 2_000;

export async function startMode(
  cleanup: Cleanup,
  mode: StackMode,
  opts: { bundle: string; tmp: string; originUrl: string; redisUrl: string; limit: number },
): Promise<ModeStack> {
  // A random prefix per run and mode: the redis-server is shared, nothing is ever flushed.
  const prefix = `pwbench-traffic-${mode.key}-${randomBytes(4).toString('hex')}:`;
  const token = randomBytes(24).toString('base64url');
  const monitor = await startMonitor(cleanup, opts.redisUrl, prefix);
  const counterMonitor = await startMonitor(cleanup, opts.redisUrl, prefix, 'counters');
  cleanup.add(`${mode.key} keys`, async () => {
    const n = await monitor.deleteOwnKeys();
    console.log(`[bench] deleted ${n} key(s) under ${prefix}`);
  });
  const upstash = await startUpstashChild(cleanup, { token, redisUrl: opts.redisUrl });
  const envFile = join(opts.tmp, `${mode.key}.env`);
  await writeEnvFile(envFile, {
    ...(await localDefaults()),
    ENVIRONMENT: 'development',
    SITE_API_KEYS: 'local-dev-key',
    ORIGIN_URL: opts.originUrl,
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: token,
    READER_ID_SECRET: randomBytes(32).toString('base64url'),
    REDIS_KEY_PREFIX: prefix,
    REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
    LOG_LEVEL: 'warn',
    PAYWALL_CONFIG: JSON.stringify(paywallConfig(mode, opts.limit)),
  });
  const worker = await startWranglerDev(cleanup, {
    script: opts.bundle,
    envFile,
    readyPath: '/_paywall/healthz',
    inspector: false,
  });
  return { url: worker.url, prefix, monitor, counterMonitor, statsEnabled: mode.statsEnabled };
}

/** Stats flushes at their defaults (`flushEvents` 500, `flushSeconds` 30): only on or off. */
export function paywallConfig(mode: StackMode, limit: number) {
  return {
    meter: { limit, window: { kind: 'calendar-month' }, cookieState: mode.cookieState },
    stats: { enabled: mode.statsEnabled },
  };
}

/** Keys under the mode's prefix right now, by their first segment (`meter`, …). */
export async function countKeys(stack: ModeStack): Promise<Record<string, number>> {
  const byKind: Record<string, number> = {};
  let cursor = '0';
  do {
    const [next, keys] = await stack.monitor.redis.scan(
      cursor,
      'MATCH',
      `${stack.prefix}*`,
      'COUNT',
      1000,
    );
    cursor = next;
    for (const key of keys) {
      const kind = key.slice(stack.prefix.length).split(':')[0] ?? '?';
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
  } while (cursor !== '0');
  return byKind;
}
