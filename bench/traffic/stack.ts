import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { localDefaults } from '../../tools/dev/dev-vars';
import type { RedisMonitor } from '../access/monitor';
import type { Cleanup } from '../support/cleanup';
import { startUpstashChild } from '../support/upstash';
import { startWranglerDev, writeEnvFile } from '../support/wrangler';
import { startMonitor } from './monitor-start';

/**
 * One meter mode, running: its own upstash-local, its own key prefix and MONITOR watcher
 * (so each mode's commands are told apart at the shared redis-server), and `wrangler dev`
 * running the real worker (the same bundle for both modes) with this mode's PAYWALL_CONFIG.
 */
export const MODES = [
  {
    key: 'redis',
    label: 'every read to Redis (today)',
    config: 'cookieState: false',
    cookieState: false,
  },
  {
    key: 'cookie',
    label: 'meter in the reader id (new)',
    config: 'cookieState: true',
    cookieState: true,
  },
] as const;
export type Mode = (typeof MODES)[number];
export type ModeKey = Mode['key'];

export interface ModeStack {
  url: string;
  prefix: string;
  monitor: RedisMonitor;
}

/**
 * Generous, so that a busy machine never turns a read `degraded` (a grant the guard would
 * count against the meter): the suites use 1 s for the same reason.
 */
export const REDIS_TIMEOUT_MS = 2_000;

export async function startMode(
  cleanup: Cleanup,
  mode: Mode,
  opts: { bundle: string; tmp: string; originUrl: string; redisUrl: string; limit: number },
): Promise<ModeStack> {
  // A random prefix per run and mode: the redis-server is shared, nothing is ever flushed.
  const prefix = `pwbench-traffic-${mode.key}-${randomBytes(4).toString('hex')}:`;
  const token = randomBytes(24).toString('base64url');
  const monitor = await startMonitor(cleanup, opts.redisUrl, prefix);
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
  return { url: worker.url, prefix, monitor };
}

export function paywallConfig(mode: Mode, limit: number) {
  return {
    meter: { limit, window: { kind: 'calendar-month' }, cookieState: mode.cookieState },
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
