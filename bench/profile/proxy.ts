import { randomBytes } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { localDefaults } from '../../tools/dev/dev-vars';
import { buildWorker } from '../bundle/build';
import { workerdConfig } from '../bundle/workerd-config';
import { articleUrlPath, PASSTHROUGH_PREFIX } from '../proxy/shared';
import { PAYWALL_CONFIG } from '../proxy/stack';
import { startChild } from '../support/child';
import { Cleanup } from '../support/cleanup';
import { envNumber } from '../support/load';
import { freePort, waitForHttp } from '../support/net';
import { startOriginChild } from '../support/origin';
import { deleteKeys } from '../support/redis-keys';
import { startUpstashChild } from '../support/upstash';
import { benchTempDir, ROOT } from '../support/wrangler';
import { type CpuProfile, moduleMap, selfTime, table } from './analyse';
import { openCdp } from './cdp';
import { byConcern } from './concerns';
import { withLocalNetwork, workerdCpu } from './workerd';

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
const WORKERD = resolve(ROOT, 'node_modules/workerd/bin/workerd');
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
    const tmp = await benchTempDir(cleanup);
    const built = await buildWorker(resolve(ROOT, 'bench/proxy/worker.ts'), tmp, 'off');
    await copyFile(built.path, join(tmp, 'worker.js'));
    const bundleText = await readFile(built.path, 'utf8');
    await writeFile(join(OUT, 'proxy-profile-worker.js'), bundleText);
    const config = join(tmp, 'profile.capnp');
    await writeFile(
      config,
      withLocalNetwork(
        workerdConfig({
          bundleFile: 'worker.js',
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
    await waitForHttp(`${url}${PASSTHROUGH_PREFIX}/robots.txt`, {
      timeoutMs: 60_000,
      describe: workerd.recentOutput,
      aborted: workerd.exited,
    });
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const target = targets[0];
    if (!target) throw new Error('workerd lists no inspector target');
    const cdp = await openCdp(target.webSocketDebuggerUrl);
    cleanup.add('cdp', async () => cdp.close());
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });

    const cpu = workerdCpu(workerd.proc.pid ?? 0);
    const paths = {
      rewrite: articleUrlPath(KB),
      passthrough: `${PASSTHROUGH_PREFIX}${articleUrlPath(KB)}`,
    };
    const load = async (path: string, seconds: number) => {
      const done = cpu.start();
      const result = await autocannon({
        url: `${url}${path}`,
        connections: CONNECTIONS,
        duration: seconds,
      });
      const requests = result.requests.total;
      return {
        rps: result.requests.average,
        requests,
        non2xx: result.non2xx,
        cpuUs: done(requests)['workerd-worker'],
      };
    };
    for (const path of Object.values(paths)) await load(path, 2); // warm-up
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [key, path] of Object.entries(paths)) {
        const plain = await load(path, SECONDS);
        await cdp.send('Profiler.start');
        const profiled = await load(path, SECONDS);
        const { profile } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
        const file = join(OUT, `proxy-${key}-${round}.cpuprofile`);
        await writeFile(file, JSON.stringify(profile));
        const modules = moduleMap(bundleText);
        const self = selfTime(profile, modules, 'worker.js');
        const n = profiled.requests;
        console.log(
          `\n== ${key} round ${round}: profiler off ${plain.rps.toFixed(0)} req/s, workerd ` +
            `${plain.cpuUs.toFixed(0)} µs CPU/req; profiler on ${profiled.rps.toFixed(0)} req/s, ` +
            `JS samples ${(self.totalUs / n).toFixed(0)} µs/req (non2xx ${plain.non2xx + profiled.non2xx}; ${file})`,
        );
        console.log('-- by concern (what is on the stack; see concerns.ts)');
        console.log(table(byConcern(profile, modules), self.totalUs, n, 20).join('\n'));
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
