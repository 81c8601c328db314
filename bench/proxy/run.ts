import { resolve } from 'node:path';
import { createCpuMeter } from '../access/cpu-groups';
import { Cleanup } from '../support/cleanup';
import { codeSnapshot } from '../support/git';
import { envNumber, machineInfo, runRounds } from '../support/load';
import { workerdPids } from '../support/workerd';
import { ROOT } from '../support/wrangler';
import { runLoad, SCENARIOS } from './load';
import { primeReturningReaders } from './readers';
import { type ProxyBenchResult, printReport, writeJson } from './report';
import { PAYWALL_CONFIG, startProxyStack } from './stack';
import { measureStreaming } from './stream';
import { evaluateGoals, summariseLoad } from './summary';

/**
 * The proxy bench, in one run on this machine, against one `wrangler dev` running
 * bench/proxy/worker.ts (the real worker plus a pass-through floor):
 *   1. streaming: TTFB, time to <body>, total time and workerd's peak memory for 10 KB,
 *      1 MB and 5 MB article pages, one request at a time;
 *   2. throughput and latency of two rewritten reads next to their floors, interleaved in
 *      rounds so a shared machine's noise lands on all five alike: a cookie-less first read
 *      (granted, metered, no Redis command) next to the same page passed through untouched,
 *      and gated without rewriting (decision only); a returning reader's read (the meter
 *      asked in Redis) next to the same page passed through after one bare Redis call.
 * Streaming runs first, on a fresh heap, so the load phase's garbage does not hide growth.
 * Client and server both speak identity (no gzip) in the judged figures: locally miniflare
 * compresses text/html inside workerd, which in production is the edge's work after the
 * worker; the streaming table shows a gzip row for what it changes.
 *
 * Origin caching: the proxy asks `fetch` for `cf: { cacheEverything, cacheTtl }`; the floor
 * asks the same. wrangler dev does not cache these subrequests, so both fetch every page
 * from the origin; the load table's "origin fetches/req" shows it, run by run.
 * Everything it starts is stopped in `finally`, also on errors and Ctrl-C.
 */

const CONFIG = {
  loadPageKb: envNumber('BENCH_PROXY_KB', 10),
  /**
   * 16, not the access bench's 32: a saturated 2-core machine queues every request, and at
   * 32 the queue outgrows the worker's own 200 ms Redis time limit (REDIS_TIMEOUT_MS), so
   * some reads turn `degraded`: a shorter path, measured as if it were the real one.
   */
  connections: envNumber('BENCH_PROXY_CONNECTIONS', 16),
  seconds: envNumber('BENCH_PROXY_SECONDS', 4),
  rounds: envNumber('BENCH_PROXY_ROUNDS', 4),
  /** Reader ids the returning scenario draws from, each with its read counted in Redis. */
  returningReaders: envNumber('BENCH_PROXY_READERS', 64),
  /** See bench/access/run.ts: the inspector costs CPU per subrequest production never pays. */
  inspector: process.env.BENCH_INSPECTOR === '1',
};
const WARMUP_SECONDS = 2;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const RESULTS_PATH = resolve(ROOT, 'bench/results/proxy.json');

export async function runProxyBench(): Promise<ProxyBenchResult> {
  const cleanup = new Cleanup();
  const offSignals = cleanup.onSignals();
  try {
    console.log('[bench] proxy: starting demo origin, upstash-local and wrangler dev…');
    const code = codeSnapshot();
    const stack = await startProxyStack(cleanup, {
      redisUrl: REDIS_URL,
      inspector: CONFIG.inspector,
    });
    const pids = workerdPids(stack.wranglerPid, stack.port);

    console.log('[bench] proxy: streaming 10 KB, 1 MB and 5 MB pages…');
    const stream = await measureStreaming({
      workerUrl: stack.url,
      originUrl: stack.origin.url,
      pids,
    });

    const cpu = createCpuMeter({
      upstash: stack.upstashPid,
      wrangler: stack.wranglerPid,
      port: stack.port,
      redis: stack.redisPid,
    });
    console.log(`[bench] proxy: ${CONFIG.returningReaders} returning readers, one read each…`);
    const readers = await primeReturningReaders(stack.url, {
      count: CONFIG.returningReaders,
      kb: CONFIG.loadPageKb,
    });
    const loadOpts = { ...CONFIG, kb: CONFIG.loadPageKb, cpu, origin: stack.origin, readers };
    console.log('[bench] proxy: warming up…');
    for (const scenario of SCENARIOS) {
      await runLoad(stack.url, scenario, { ...loadOpts, seconds: WARMUP_SECONDS, round: 0 });
    }
    const runs = await runRounds(SCENARIOS, CONFIG.rounds, (scenario, round) =>
      runLoad(stack.url, scenario, { ...loadOpts, round }),
    );

    const load = summariseLoad(runs);
    const result: ProxyBenchResult = {
      bench: 'proxy',
      ...machineInfo(),
      code,
      config: { ...CONFIG, paywallConfig: PAYWALL_CONFIG },
      load,
      stream,
      goals: evaluateGoals(load, stream),
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
