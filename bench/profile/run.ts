import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { localDefaults } from '../../tools/dev/dev-vars';
import { issueReaders } from '../access/api';
import { buildBodies, runLoad, SCENARIOS } from '../access/load';
import { CONSTANT_PATH, FLOOR_KEY_SUFFIX } from '../access/shared';
import { Cleanup } from '../support/cleanup';
import { envNumber } from '../support/load';
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
 * Where the access decision's CPU goes (issue 14, item 3). The bench worker
 * (bench/access/worker.ts: the real worker plus its two floors) is bundled unminified and
 * run in a bare workerd with its inspector on; the access bench's load drives one scenario
 * at a time while a V8 CPU profile is taken over CDP, and the profile's self time is
 * grouped by module. Each scenario is also run once with the profiler off, so workerd's
 * CPU per request (from /proc) is read without the profiler's own cost.
 *
 *   npx tsx bench/profile/run.ts            (PROFILE_SECONDS, PROFILE_ROUNDS, PROFILE_SCENARIOS)
 */
const SECONDS = envNumber('PROFILE_SECONDS', 6);
const ROUNDS = envNumber('PROFILE_ROUNDS', 2);
const CONNECTIONS = envNumber('PROFILE_CONNECTIONS', 16);
const SAMPLING_US = envNumber('PROFILE_SAMPLING_US', 100);
const ONLY = (process.env.PROFILE_SCENARIOS ?? 'decision,redis,constant').split(',');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const OUT = process.env.PROFILE_OUT ?? '/tmp';

async function main() {
  const cleanup = new Cleanup();
  const offSignals = cleanup.onSignals();
  try {
    const prefix = `pwprof-${randomBytes(5).toString('hex')}:`;
    const token = randomBytes(24).toString('base64url');
    const redis = new Redis(REDIS_URL);
    cleanup.add('redis keys', async () => {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });
    await redis.set(`${prefix}${FLOOR_KEY_SUFFIX}`, 'floor', 'PX', 3_600_000);

    const upstash = await startUpstashChild(cleanup, { token, redisUrl: REDIS_URL });
    const { url, pid, cdp, bundleText } = await startProfiledWorkerd(cleanup, {
      entry: 'bench/access/worker.ts',
      text: {
        ...(await localDefaults()),
        ENVIRONMENT: 'development',
        SITE_API_KEYS: 'local-dev-key',
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: token,
        READER_ID_SECRET: randomBytes(32).toString('base64url'),
        REDIS_KEY_PREFIX: prefix,
        // A loaded machine plus the profiler must not turn decisions `degraded`.
        REDIS_TIMEOUT_MS: '5000',
        ENTITLEMENT_ISSUER: 'urn:edge-paywall',
        ENTITLEMENT_AUDIENCE: 'urn:edge-paywall:site',
      },
      json: { PAYWALL_CONFIG: { meter: { limit: 3, window: { kind: 'calendar-month' } } } },
      readyPath: CONSTANT_PATH,
      samplingUs: SAMPLING_US,
      bundleCopy: join(OUT, 'access-profile-worker.js'),
    });

    const readers = await issueReaders(url, 200);
    const articles = Array.from({ length: 8 }, (_, i) => `bench/article-${i + 1}`);
    const bodies = buildBodies(readers, articles);
    const scenarios = SCENARIOS.filter((s) => ONLY.includes(s.key));
    const cpu = workerdCpu(pid);
    const load = (s: (typeof scenarios)[number], seconds: number) =>
      runLoad(url, s, bodies, { connections: CONNECTIONS, seconds, round: 0, cpu });

    for (const s of scenarios) await load(s, 2); // warm-up: JIT, connections, keys
    for (let round = 1; round <= ROUNDS; round++) {
      for (const s of scenarios) {
        const plain = await load(s, SECONDS);
        const file = join(OUT, `access-${s.key}-${round}.cpuprofile`);
        const { profile, result } = await profiled(cdp, file, () => load(s, SECONDS));
        const n = result.requests;
        console.log(
          `\n== ${s.key} round ${round}: profiler off ${plain.rps.toFixed(0)} req/s, workerd ` +
            `${plain.cpu['workerd-worker'].toFixed(0)} µs CPU/req; profiler on ${result.rps.toFixed(0)} req/s, ` +
            `workerd ${result.cpu['workerd-worker'].toFixed(0)} µs CPU/req, JS samples ` +
            `${jsUsPerRequest(profile, bundleText, n).toFixed(0)} µs/req ` +
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
