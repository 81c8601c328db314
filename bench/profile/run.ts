import { randomBytes } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { localDefaults } from '../../tools/dev/dev-vars';
import { issueReaders } from '../access/api';
import { buildBodies, runLoad, SCENARIOS } from '../access/load';
import { CONSTANT_PATH, FLOOR_KEY_SUFFIX } from '../access/shared';
import { buildWorker } from '../bundle/build';
import { workerdConfig } from '../bundle/workerd-config';
import { startChild } from '../support/child';
import { Cleanup } from '../support/cleanup';
import { envNumber } from '../support/load';
import { freePort, waitForHttp } from '../support/net';
import { deleteKeys } from '../support/redis-keys';
import { startUpstashChild } from '../support/upstash';
import { benchTempDir, ROOT } from '../support/wrangler';
import { type CpuProfile, moduleMap, selfTime, table } from './analyse';
import { openCdp } from './cdp';
import { byConcern } from './concerns';
import { withLocalNetwork, workerdCpu } from './workerd';

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
const WORKERD = resolve(ROOT, 'node_modules/workerd/bin/workerd');
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
    const tmp = await benchTempDir(cleanup);
    const built = await buildWorker(resolve(ROOT, 'bench/access/worker.ts'), tmp, 'off');
    await copyFile(built.path, join(tmp, 'worker.js'));
    const bundleText = await readFile(built.path, 'utf8');
    await writeFile(join(OUT, 'access-profile-worker.js'), bundleText); // for re-analysis
    const defaults = await localDefaults();
    const config = join(tmp, 'profile.capnp');
    await writeFile(
      config,
      withLocalNetwork(
        workerdConfig({
          bundleFile: 'worker.js',
          text: {
            ...defaults,
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
        }),
      ),
    );
    const [port, inspectorPort] = [await freePort(), await freePort()];
    const workerd = startChild('workerd', WORKERD, [
      'serve',
      config,
      '--socket-addr',
      `http=127.0.0.1:${port}`,
      `--inspector-addr=127.0.0.1:${inspectorPort}`,
    ]);
    cleanup.add('workerd', () => workerd.stop(2_000));
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}${CONSTANT_PATH}`, {
      timeoutMs: 60_000,
      describe: workerd.recentOutput,
      aborted: workerd.exited,
    });
    const pid = workerd.proc.pid ?? 0;

    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
      title?: string;
    }[];
    const target = targets[0];
    if (!target) throw new Error('workerd lists no inspector target');
    const cdp = await openCdp(target.webSocketDebuggerUrl);
    cleanup.add('cdp', async () => cdp.close());
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });

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
        await cdp.send('Profiler.start');
        const profiled = await load(s, SECONDS);
        const { profile } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
        const file = join(OUT, `access-${s.key}-${round}.cpuprofile`);
        await writeFile(file, JSON.stringify(profile));
        const self = selfTime(profile, moduleMap(bundleText), 'worker.js');
        const n = profiled.requests;
        console.log(
          `\n== ${s.key} round ${round}: profiler off ${plain.rps.toFixed(0)} req/s, workerd ` +
            `${plain.cpu['workerd-worker'].toFixed(0)} µs CPU/req; profiler on ${profiled.rps.toFixed(0)} req/s, ` +
            `workerd ${profiled.cpu['workerd-worker'].toFixed(0)} µs CPU/req, JS samples ${(self.totalUs / n).toFixed(0)} µs/req ` +
            `(bad ${plain.badBodies + profiled.badBodies}, non2xx ${plain.non2xx + profiled.non2xx}; ${file})`,
        );
        console.log('-- by concern (what is on the stack; see concerns.ts)');
        const concerns = byConcern(profile, moduleMap(bundleText));
        console.log(table(concerns, self.totalUs, n, 20).join('\n'));
        console.log('-- self time by module');
        console.log(table(self.byModule, self.totalUs, n, 25).join('\n'));
        console.log('-- time by innermost src/ function on the stack (library callees included)');
        console.log(table(self.byOwnCaller, self.totalUs, n, 30).join('\n'));
        console.log('-- self time by function');
        console.log(table(self.byFunction, self.totalUs, n, 40).join('\n'));
      }
    }
  } finally {
    await cleanup.run();
    offSignals();
  }
}

await main();
