import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { localDefaults } from '../../tools/dev/dev-vars';
import { Cleanup } from '../support/cleanup';
import { codeSnapshot } from '../support/git';
import { envNumber, machineInfo } from '../support/load';
import { benchTempDir, ROOT } from '../support/wrangler';
import { buildWorker } from './build';
import { type BundleBenchResult, evaluateGoals, printReport, writeJson } from './report';
import { bundleSize, bytesByPackage } from './size';
import { measureStartup, type StartupVariant } from './startup';
import { summariseStartup } from './summary';
import { toolVersions } from './versions';

/**
 * The bundle bench (issue 14, item 5): the worker exactly as `wrangler deploy` uploads it,
 * its size (gzip as wrangler and Cloudflare count it) next to the same build minified and
 * not, and its startup: each build started cold in a bare workerd, interleaved with an
 * empty worker (the floor: workerd's own start), Stripe's SDK alone, and the worker with
 * the SDK evaluated at startup (what src/billing/stripe-client.ts's lazy import saves).
 * No network, no Redis; about a minute.
 */
const CONFIG = {
  entry: 'src/index.ts',
  /** 250 KB, counted as 250 × 1024 bytes, as the other benches count sizes. */
  goalGzipBytes: 250 * 1024,
  /** Cloudflare refuses a worker whose startup (parse + global scope) takes over 1 s. */
  startupGoalCpuMs: 1_000,
  rounds: envNumber('BENCH_STARTUP_ROUNDS', 9),
  topPackages: 10,
};
export const RESULTS_PATH = resolve(ROOT, 'bench/results/bundle.json');

const LABELS = {
  floor: 'floor: an empty worker',
  deployed: 'the worker as deployed (minified)',
  unminified: 'the worker, not minified',
  eagerStripe: 'the worker, Stripe SDK evaluated at startup',
  stripeOnly: 'Stripe SDK alone',
};

export async function runBundleBench(): Promise<BundleBenchResult> {
  console.log('[bench] bundle: building the worker with wrangler deploy --dry-run…');
  const code = codeSnapshot();
  const cleanup = new Cleanup();
  const offSignals = cleanup.onSignals();
  try {
    const tmp = await benchTempDir(cleanup);
    const build = async (name: string, entry: string, minify: 'as-configured' | 'on' | 'off') => {
      const out = join(tmp, name);
      await mkdir(out);
      return buildWorker(entry, out, minify);
    };
    // One at a time: each is an esbuild run on a 2-core machine.
    const deployed = await build('deployed', CONFIG.entry, 'as-configured');
    const minified = await build('minified', CONFIG.entry, 'on');
    const unminified = await build('unminified', CONFIG.entry, 'off');
    const floor = await build('floor', 'bench/bundle/hello-worker.ts', 'as-configured');
    const eagerStripe = await build(
      'eager',
      'bench/bundle/eager-stripe-worker.ts',
      'as-configured',
    );
    const stripeOnly = await build('stripe', 'bench/bundle/stripe-only-worker.ts', 'as-configured');

    const jwks = { path: '/.well-known/jwks.json', expect: '"keys"' };
    const hello = { path: '/', expect: '' };
    const variants: StartupVariant[] = [
      { name: 'floor', bundle: floor.path, ...hello },
      { name: 'deployed', bundle: deployed.path, ...jwks },
      { name: 'unminified', bundle: unminified.path, ...jwks },
      { name: 'eagerStripe', bundle: eagerStripe.path, ...jwks },
      { name: 'stripeOnly', bundle: stripeOnly.path, ...hello },
    ];
    console.log(
      `[bench] bundle: ${CONFIG.rounds} rounds of cold starts in workerd (${variants.length} workers)…`,
    );
    const samples = await measureStartup(
      cleanup,
      join(tmp, 'startup'),
      variants,
      await startupEnv(),
      CONFIG.rounds,
    );

    const partial = {
      ...machineInfo(),
      ...toolVersions(),
      code,
      config: CONFIG,
      sizes: {
        deployed: await bundleSize(deployed.path),
        minified: await bundleSize(minified.path),
        unminified: await bundleSize(unminified.path),
      },
      packages: await bytesByPackage(deployed.metafile),
      startup: { summary: summariseStartup(samples, LABELS, 'floor'), samples },
    };
    const result: BundleBenchResult = {
      bench: 'bundle',
      ...partial,
      goals: evaluateGoals(partial),
    };
    printReport(result);
    writeJson(RESULTS_PATH, result);
    console.log(`[bench] wrote ${RESULTS_PATH}`);
    return result;
  } finally {
    offSignals();
    await cleanup.run();
  }
}

/**
 * A valid production configuration with nothing reachable: the request each start answers
 * (the JWKS) needs no Redis, Stripe or origin call, only the worker built for real (a
 * misconfigured worker would answer its cheap 500 page instead, so the body is checked).
 */
async function startupEnv(): Promise<{
  text: Record<string, string>;
  json: Record<string, unknown>;
}> {
  const local = await localDefaults();
  return {
    text: {
      ...local,
      ENVIRONMENT: 'production',
      SITE_API_KEYS: 'bench-site-key-0123456789abcdef0123456789',
      ORIGIN_URL: 'https://news.example',
      UPSTASH_REDIS_REST_URL: 'https://bench.upstash.example',
      STRIPE_SECRET_KEY: 'sk_test_bench',
      REDIS_KEY_PREFIX: 'pw:',
      REDIS_TIMEOUT_MS: '200',
      ENTITLEMENT_ISSUER: 'urn:edge-paywall',
      ENTITLEMENT_AUDIENCE: 'urn:edge-paywall:site',
    },
    json: { PAYWALL_CONFIG: { meter: { limit: 3, window: { kind: 'calendar-month' } } } },
  };
}
