import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { localDefaults } from '../../tools/dev/dev-vars';
import { FLOOR_KEY_SUFFIX } from '../access/shared';
import type { Cleanup } from '../support/cleanup';
import { type OriginChild, startOriginChild } from '../support/origin';
import { deleteKeys } from '../support/redis-keys';
import { startUpstashChild } from '../support/upstash';
import {
  benchTempDir,
  bundleWorker,
  ROOT,
  startWranglerDev,
  writeEnvFile,
} from '../support/wrangler';
import { ARTICLE_PATH, PASSTHROUGH_PREFIX } from './shared';

/**
 * Everything the proxy bench runs against, started once: the demo origin, upstash-local in
 * front of redis-server, and `wrangler dev` running bench/proxy/worker.ts (the real worker
 * plus its floors). Each piece registers its own shutdown with `cleanup`.
 */
export interface ProxyStack {
  url: string;
  port: number;
  wranglerPid: number;
  upstashPid: number;
  redisPid: number | null;
  origin: OriginChild;
  prefix: string;
}

export const PAYWALL_CONFIG = {
  // The default 3 per month: every measured read is a new reader's first, or a returning
  // reader's re-read of the one article counted, so the limit is never reached, and the
  // notice reads as it would for a real reader.
  meter: { limit: 3, window: { kind: 'calendar-month' } },
  // The generated bench article lives at /bench/article, outside the default /yyyy/mm/slug:
  // make it an article page so it is metered and rewritten like any other.
  proxy: { articlePaths: ['/*/*/*', ARTICLE_PATH] },
};

export async function startProxyStack(
  cleanup: Cleanup,
  opts: { redisUrl: string; inspector: boolean },
): Promise<ProxyStack> {
  // A random prefix per run: the redis-server is shared, so only our keys are deleted.
  const prefix = `pwbench-proxy-${randomBytes(5).toString('hex')}:`;
  const token = randomBytes(24).toString('base64url');
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => {});
  cleanup.add('redis client', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const info = await redis.info('server');
  const redisPid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  cleanup.add('bench keys', async () => {
    const n = await deleteKeys(redis, prefix);
    console.log(`[bench] deleted ${n} key(s) under ${prefix}`);
  });

  // What the one-Redis-call floor GETs, as in the access bench; deleted with the run's keys.
  await redis.set(`${prefix}${FLOOR_KEY_SUFFIX}`, 'floor', 'PX', 3_600_000);

  const upstash = await startUpstashChild(cleanup, { token, redisUrl: opts.redisUrl });
  const origin = await startOriginChild(cleanup);
  const tmp = await benchTempDir(cleanup);
  const script = await bundleWorker(resolve(ROOT, 'bench/proxy/worker.ts'), join(tmp, 'bundle'));
  const envFile = join(tmp, 'bench.env');
  await writeEnvFile(envFile, {
    ...(await localDefaults()),
    ENVIRONMENT: 'development',
    ORIGIN_URL: origin.url,
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: token,
    READER_ID_SECRET: randomBytes(32).toString('base64url'),
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    PAYWALL_CONFIG: JSON.stringify(PAYWALL_CONFIG),
  });
  const worker = await startWranglerDev(cleanup, {
    script,
    envFile,
    readyPath: `${PASSTHROUGH_PREFIX}/robots.txt`,
    inspector: opts.inspector,
  });
  const local = ['127.0.0.1', 'localhost'].includes(new URL(opts.redisUrl).hostname);
  return {
    url: worker.url,
    port: worker.port,
    wranglerPid: worker.pid,
    upstashPid: upstash.pid,
    redisPid: local && redisPid > 0 ? redisPid : null,
    origin,
    prefix,
  };
}
