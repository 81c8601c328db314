import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { localDefaults } from '../../tools/dev/dev-vars';
import { runLoad, SCENARIOS, type Scenario } from '../proxy/load';
import { PASSTHROUGH_PREFIX } from '../proxy/shared';
import { PAYWALL_CONFIG } from '../proxy/stack';
import { Cleanup } from '../support/cleanup';
import { envNumber } from '../support/load';
import { startOriginChild } from '../support/origin';
import { deleteKeys } from '../support/redis-keys';
import { startUpstashChild } from '../support/upstash';
import {
  jsUsPerRequest,
  printProfile,
  profiled,
  startProfiledWorkerd,
  workerdCpu,
} from './workerd';

/**
 * Where the proxy's CPU goes for a cookie-less reader's first read of a 10 KB article (issue
 * 14, item 4), next to the same page passed through untouched. The proxy bench's worker
 * (bench/proxy/worker.ts) is bundled unminified and run in a bare workerd with its inspector
 * on, in front of the demo origin; autocannon drives one path at a time while a V8 CPU profile
 * is taken over CDP. These reads ask the meter nothing (the first read is carried in the
 * reader id); the only Redis work is the publisher's counters, one flush per batch of views,
 * as in production. The run's keys are deleted at the end.
 *
 *   npx tsx bench/profile/proxy.ts          (PROFILE_SECONDS, PROFILE_ROUNDS, PROFILE_KB)
 */
const SECONDS = envNumber('PROFILE_SECONDS', 6);
const ROUNDS = envNumber('PROFILE_ROUNDS', 2);
const CONNECTIONS = envNumber('PROFILE_CONNECTIONS', 16);
const KB = envNumber('PROFILE_KB', 10);
const SAMPLING_US = envNumber('PROFILE_SAMPLING_US', 100);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const OUT = process.env.PROFILE_OUT ?? '/tmp';

async function main() {
  const cleanup = new Cleanup();
  const offSignals = cleanup.onSignals();
  try {
    const token = randomBytes(24).toString('base64url');
    const prefix = `pwprof-proxy-${randomBytes(5).toString('hex')}:`;
    const redis = new Redis(REDIS_URL);
    cleanup.add('redis keys', async () => {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });
    const upstash = await startUpstashChild(cleanup, { token, redisUrl: REDIS_URL });
    const origin = await startOriginChild(cleanup);
    const { url, pid, cdp, bundleText } = await startProfiledWorkerd(cleanup, {
      entry: 'bench/proxy/worker.ts',
      text: {
        ...(await localDefaults()),
        ENVIRONMENT: 'development',
        ORIGIN_URL: origin.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: token,
        READER_ID_SECRET: randomBytes(32).toString('base64url'),
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: 'warn',
      },
      json: { PAYWALL_CONFIG },
      readyPath: `${PASSTHROUGH_PREFIX}/robots.txt`,
      samplingUs: SAMPLING_US,
      bundleCopy: join(OUT, 'proxy-profile-worker.js'),
    });

    const cpu = workerdCpu(pid);
    const scenarios = SCENARIOS.filter((s) => s.key === 'rewrite' || s.key === 'passthrough');
    // The proxy bench's own load: every body checked, so a wrong page is never profiled as fast.
    const load = (scenario: Scenario, seconds: number) =>
      runLoad(url, scenario, {
        kb: KB,
        connections: CONNECTIONS,
        seconds,
        round: 0,
        cpu,
        origin,
        readers: [],
      });
    for (const scenario of scenarios) await load(scenario, 2); // warm-up
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of scenarios) {
        const key = scenario.key;
        const plain = await load(scenario, SECONDS);
        const file = join(OUT, `proxy-${key}-${round}.cpuprofile`);
        const { profile, result } = await profiled(cdp, file, () => load(scenario, SECONDS));
        const n = result.requests;
        console.log(
          `\n== ${key} round ${round}: profiler off ${plain.rps.toFixed(0)} req/s, workerd ` +
            `${plain.cpu['workerd-worker'].toFixed(0)} µs CPU/req; profiler on ${result.rps.toFixed(0)} req/s, ` +
            `JS samples ${jsUsPerRequest(profile, bundleText, n).toFixed(0)} µs/req ` +
            `(bad ${plain.badBodies + result.badBodies}, non2xx ${plain.non2xx + result.non2xx}; ${file})`,
        );
        printProfile(profile, bundleText, n);
      }
    }
  } finally {
    await cleanup.run();
    offSignals();
  }
}

await main();
