import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { localDefaults } from '../../tools/dev/dev-vars';
import { Cleanup } from '../support/cleanup';
import { codeSnapshot } from '../support/git';
import { envNumber, machineInfo, runRounds } from '../support/load';
import { startUpstashChild } from '../support/upstash';
import {
  benchTempDir,
  bundleWorker,
  ROOT,
  startWranglerDev,
  writeEnvFile,
} from '../support/wrangler';
import { issueReaders } from './api';
import { createCpuMeter } from './cpu-groups';
import { buildBodies, runLoad, SCENARIOS } from './load';
import { RedisMonitor } from './monitor';
import { measureRedisWork } from './redis-cases';
import { type AccessBenchResult, printReport, writeJson } from './report';
import { CONSTANT_PATH, FLOOR_KEY_SUFFIX } from './shared';
import { measureSubscriberWork, signSubscriberTokens, subscriberBodies } from './subscriber';
import { evaluateGoals, summariseLoad } from './summary';

/**
 * The access bench, in one run on this machine:
 *   1. Redis work per decision, counted at redis-server (MONITOR), case by case;
 *   2. throughput and latency of the decision next to two floors served by the same
 *      worker (one bare Redis call; a constant body), interleaved in rounds so the noise of
 *      a shared 2-core machine lands on all three alike.
 * Everything it starts is stopped in `finally`, also on errors and Ctrl-C.
 */

const CONFIG = {
  connections: envNumber('BENCH_CONNECTIONS', 32),
  seconds: envNumber('BENCH_SECONDS', 4),
  rounds: envNumber('BENCH_ROUNDS', 6),
  readers: envNumber('BENCH_READERS', 500),
  articles: 8,
  /**
   * wrangler dev's inspector proxy enables the DevTools Network domain on the worker, so
   * every subrequest (each Redis call) also streams CDP events through the proxy workerd
   * and wrangler's Node process: several ms of CPU per subrequest that production never
   * pays, larger than everything else combined. Off unless BENCH_INSPECTOR=1.
   */
  inspector: process.env.BENCH_INSPECTOR === '1',
};
const WARMUP_SECONDS = 2;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const RESULTS_PATH = resolve(ROOT, 'bench/results/access.json');

export async function runAccessBench(): Promise<AccessBenchResult> {
  const cleanup = new Cleanup();
  const offSignals = cleanup.onSignals();
  try {
    // A random prefix per run: the redis-server is shared, and nothing is ever flushed.
    const prefix = `pwbench-${randomBytes(5).toString('hex')}:`;
    const token = randomBytes(24).toString('base64url');

    const monitor = await RedisMonitor.start(cleanup, REDIS_URL, prefix);
    cleanup.add('bench keys', async () => {
      const n = await monitor.deleteOwnKeys();
      console.log(`[bench] deleted ${n} key(s) under ${prefix}`);
    });
    const info = await monitor.redis.info('server');
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1];
    const redisPid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    await monitor.redis.set(`${prefix}${FLOOR_KEY_SUFFIX}`, 'floor', 'PX', 3_600_000);

    console.log('[bench] starting upstash-local (backend redis) and wrangler dev…');
    const upstash = await startUpstashChild(cleanup, { token, redisUrl: REDIS_URL });
    const tmp = await benchTempDir(cleanup);
    const code = codeSnapshot();
    const script = await bundleWorker(resolve(ROOT, 'bench/access/worker.ts'), join(tmp, 'bundle'));
    const envFile = join(tmp, 'bench.env');
    const defaults = await localDefaults();
    await writeEnvFile(envFile, {
      // Whatever `npm start` would generate for local development (new required vars
      // included), then this run's own values on top.
      ...defaults,
      ENVIRONMENT: 'development',
      SITE_API_KEYS: 'local-dev-key',
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: token,
      READER_ID_SECRET: randomBytes(32).toString('base64url'),
      REDIS_KEY_PREFIX: prefix,
      // Pinned: the Redis cases assume 3 articles per calendar month.
      PAYWALL_CONFIG: JSON.stringify({ meter: { limit: 3, window: { kind: 'calendar-month' } } }),
    });
    const worker = await startWranglerDev(cleanup, {
      script,
      envFile,
      readyPath: CONSTANT_PATH,
      inspector: CONFIG.inspector,
    });

    console.log('[bench] counting Redis work per decision (MONITOR)…');
    const redisWork = await measureRedisWork(worker.url, monitor);
    const articleIds = Array.from({ length: CONFIG.articles }, (_, i) => `bench/article-${i + 1}`);
    const tokens = await signSubscriberTokens(defaults.ENTITLEMENT_SIGNING_KEYS ?? '[]', 50);
    const subscriberLoadBodies = subscriberBodies(tokens, articleIds);
    console.log('[bench] counting Redis work per subscriber decision (MONITOR)…');
    const subscriberWork = await measureSubscriberWork(worker.url, monitor, subscriberLoadBodies);
    monitor.stop();

    console.log(`[bench] issuing ${CONFIG.readers} reader ids…`);
    const readers = await issueReaders(worker.url, CONFIG.readers);
    const bodies = buildBodies(readers, articleIds);
    const bodiesFor = (key: string) => (key === 'subscriber' ? subscriberLoadBodies : bodies);
    const cpu = createCpuMeter({
      upstash: upstash.pid,
      wrangler: worker.pid,
      port: worker.port,
      // Only a local redis-server's pid means anything here.
      redis: isLocalRedis(REDIS_URL, redisPid) ? redisPid : null,
    });

    console.log('[bench] warming up…');
    for (const scenario of SCENARIOS) {
      await runLoad(worker.url, scenario, bodiesFor(scenario.key), {
        ...CONFIG,
        seconds: WARMUP_SECONDS,
        round: 0,
        cpu,
      });
    }
    const runs = await runRounds(SCENARIOS, CONFIG.rounds, (scenario, round) =>
      runLoad(worker.url, scenario, bodiesFor(scenario.key), { ...CONFIG, round, cpu }),
    );

    const load = summariseLoad(runs);
    const result: AccessBenchResult = {
      bench: 'access',
      ...machineInfo(),
      redisVersion: redisVersion ?? 'unknown',
      code,
      config: CONFIG,
      redisWork,
      subscriberWork,
      load,
      goals: evaluateGoals(redisWork, load, subscriberWork),
    };
    printReport(result);
    writeJson(RESULTS_PATH, result);
    console.log(`[bench] wrote ${RESULTS_PATH}`);
    return result;
  } finally {
    await cleanup.run();
    offSignals();
  }
}

function isLocalRedis(url: string, pid: number): boolean {
  const host = new URL(url).hostname;
  return Number.isInteger(pid) && pid > 0 && ['127.0.0.1', 'localhost', '[::1]'].includes(host);
}
