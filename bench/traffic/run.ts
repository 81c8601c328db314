import { join, resolve } from 'node:path';
import { Cleanup } from '../support/cleanup';
import { codeSnapshot } from '../support/git';
import { envNumber, machineInfo } from '../support/load';
import { benchTempDir, bundleWorker, ROOT } from '../support/wrangler';
import { countingGoals, countingResult } from './counting';
import { type ChannelMeasure, measureChannel, warmUp } from './measure';
import { MIX, mixStats, planMonth } from './mix';
import { startTrafficOrigin } from './origin';
import { CHANNELS, type Channel } from './replay';
import { printReport, type TrafficBenchResult, writeJson } from './report';
import { COUNTING_OFF, MODES, REDIS_TIMEOUT_MS, type StackMode, startMode } from './stack';
import { channelFigures, evaluateGoals, type ModeResults, PRICING } from './summary';

/**
 * The traffic bench (issue 14): what the meter costs on a stated month of anonymous
 * readers. One seeded plan of views (bench/traffic/mix.ts) is replayed through the proxy
 * and through the access API of two workers running the same code, one per meter mode:
 * every anonymous read to Redis (`cookieState: false`, today's meter) and the meter carried
 * in the signed reader id (`cookieState: true`). Counted at redis-server with MONITOR:
 * billed commands, round trips and keys created, priced at Upstash and Workers list prices,
 * side by side, with PASS/FAIL per goal and a guard against granting more than a Redis-only
 * meter would. A third worker runs the new meter with the publisher's counters off (issue
 * 15): what counting adds is the difference, and the counters are read back to check that
 * every view was counted once. Counts are deterministic; the timings printed are not the point.
 * Everything it starts is stopped in `finally`, also on errors and Ctrl-C.
 */
const CONCURRENCY = envNumber('BENCH_TRAFFIC_CONCURRENCY', 16);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const RESULTS_PATH = resolve(ROOT, 'bench/results/traffic.json');

export async function runTrafficBench(): Promise<TrafficBenchResult> {
  const started = performance.now();
  const cleanup = new Cleanup();
  const offSignals = cleanup.onSignals();
  try {
    const plans = planMonth(MIX);
    const stats = mixStats(plans);
    console.log(
      `[bench] traffic: ${stats.readers} readers, ${stats.views} views per channel and mode; ` +
        'starting the origin, three upstash-locals and three wrangler devs…',
    );
    const code = codeSnapshot();
    const tmp = await benchTempDir(cleanup);
    const bundle = await bundleWorker(resolve(ROOT, 'src/index.ts'), join(tmp, 'bundle'));
    const originUrl = await startTrafficOrigin(cleanup);
    const opts = { bundle, tmp, originUrl, redisUrl: REDIS_URL, limit: MIX.limit };
    // Each configuration has its own worker, upstash-local, key prefix and MONITOR window, so
    // they run side by side; within one the channels run one after the other, each in its
    // own window.
    const measure = async (mode: StackMode) => {
      const stack = await startMode(cleanup, mode, opts);
      let counters = await warmUp(stack, MIX.limit);
      const channels = {} as Record<Channel, ChannelMeasure>;
      for (const channel of CHANNELS) {
        console.log(`[bench] traffic: ${mode.label}, through the ${channel}…`);
        const done = await measureChannel(channel, stack, plans, CONCURRENCY, counters);
        channels[channel] = done.measure;
        counters = done.counters;
      }
      const info = await stack.monitor.redis.info('server');
      stack.monitor.stop();
      stack.counterMonitor.stop();
      return { channels, redisVersion: /redis_version:(\S+)/.exec(info)?.[1] };
    };
    const [countingOff, measured] = await Promise.all([
      measure(COUNTING_OFF),
      Promise.all(MODES.map(async (mode) => ({ mode, ...(await measure(mode)) }))),
    ]);
    const modes = {} as ModeResults;
    for (const { mode, channels } of measured) {
      modes[mode.key] = {
        proxy: { ...channels.proxy, figures: channelFigures(channels.proxy, stats) },
        access: { ...channels.access, figures: channelFigures(channels.access, stats) },
      };
    }

    const counting = countingResult(modes.cookie, countingOff.channels);

    const result: TrafficBenchResult = {
      bench: 'traffic',
      ...machineInfo(),
      redisVersion: measured[0]?.redisVersion ?? 'unknown',
      code,
      config: {
        mix: MIX,
        concurrency: CONCURRENCY,
        redisTimeoutMs: REDIS_TIMEOUT_MS,
        pricing: PRICING,
      },
      mixStats: stats,
      modes,
      counting,
      goals: [...evaluateGoals(modes, stats, MIX.limit), ...countingGoals(counting, modes)],
      seconds: (performance.now() - started) / 1000,
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
