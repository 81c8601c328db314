import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { unstable_readConfig } from 'wrangler';
import { parseEnv } from '../../src/env';
import { isLoopbackHost } from '../../src/loopback';
import { type DemoOrigin, startDemoOrigin } from '../demo-origin/server';
import { seedDemoStats } from '../stats-seed/run';
import { type StripeLocal, startStripeLocal } from '../stripe-local/server';
import { startUpstashLocal, type UpstashLocal } from '../upstash-local/server';
import { ensureDevVars, LOCAL_SITE_API_KEY } from './dev-vars';
import { pricesForOffers } from './local-stripe-prices';

/**
 * `npm start`: the whole service on one machine, offline.
 *   1. fill `.dev.vars` with generated local secrets (kept across runs);
 *   2. validate the configuration exactly as the worker will, and stop with the field names
 *      if anything is wrong;
 *   3. start upstash-local (real Redis when one answers, else the embedded one) unless the
 *      configured Upstash URL is remote;
 *   4. start the local Stripe emulator when STRIPE_API_BASE points at this machine (real
 *      test-mode keys without STRIPE_API_BASE use Stripe itself);
 *   5. run `wrangler dev` on http://127.0.0.1:8787. Ctrl-C stops everything.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WORKER_PORT = Number(process.env.PORT ?? 8787);

async function main(): Promise<void> {
  const { vars, added } = await ensureDevVars(resolve(ROOT, '.dev.vars'));
  if (added.length > 0)
    console.log(`[dev] wrote generated local values to .dev.vars: ${added.join(', ')}`);

  const tomlVars = unstable_readConfig({ config: resolve(ROOT, 'wrangler.toml') }).vars;
  const parsed = parseEnv({ ...tomlVars, ...vars });
  if (!parsed.ok) {
    console.error('[dev] the configuration is invalid:');
    for (const problem of parsed.problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  const env = parsed.env;

  let upstash: UpstashLocal | undefined;
  const redisUrl = new URL(env.UPSTASH_REDIS_REST_URL);
  if (isLoopbackHost(redisUrl.hostname)) {
    upstash = await startUpstashLocal({
      port: Number(redisUrl.port || 80),
      token: env.UPSTASH_REDIS_REST_TOKEN,
      backend: 'auto',
    });
    // A month of demo counters for the dashboard (tools/stats-seed), once per key prefix,
    // into the local Redis only, never a remote Upstash. It does not hold up wrangler.
    if (process.env.STATS_SEED !== 'off') {
      void seedDemoStats(env, { now: new Date() }).then(
        (outcome) => console.log(`[dev] demo stats: ${outcome.line}`),
        (error: unknown) =>
          console.log(
            `[dev] demo stats: not seeded (${error instanceof Error ? error.message : String(error)})`,
          ),
      );
    }
  }

  let stripe: StripeLocal | undefined;
  const stripeBase = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
  if (stripeBase && isLoopbackHost(stripeBase.hostname)) {
    stripe = await startStripeLocal({
      port: Number(stripeBase.port || 80),
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET[0],
      webhookUrl: `http://127.0.0.1:${WORKER_PORT}/_paywall/v1/webhooks/stripe`,
      prices: pricesForOffers(env.PAYWALL_CONFIG.offers),
    });
  }

  let origin: DemoOrigin | undefined;
  const originBase = env.ORIGIN_URL ? new URL(env.ORIGIN_URL) : null;
  if (originBase && isLoopbackHost(originBase.hostname)) {
    origin = await startDemoOrigin({ port: Number(originBase.port || 80) });
  }

  const wrangler = spawn(
    process.execPath,
    [
      resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(WORKER_PORT),
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      // Its own process group: wrangler starts workerd below itself, and signalling the group
      // stops the whole tree however we are stopped (Ctrl-C, SIGTERM, a crash).
      detached: true,
    },
  );
  const signalWrangler = (signal: NodeJS.Signals) => {
    try {
      if (wrangler.pid !== undefined) process.kill(-wrangler.pid, signal);
    } catch {
      // already gone
    }
  };
  process.on('exit', () => signalWrangler('SIGKILL'));

  const apiKeyNote = env.SITE_API_KEYS.includes(LOCAL_SITE_API_KEY)
    ? `site API key: ${LOCAL_SITE_API_KEY} (local development only)`
    : 'site API key: from SITE_API_KEYS in .dev.vars';
  console.log(
    [
      '',
      '[dev] running:',
      `  site           http://127.0.0.1:${WORKER_PORT}/  ← open this: the demo site behind the paywall`,
      `  worker         http://127.0.0.1:${WORKER_PORT}/_paywall/…  (wrangler dev)`,
      `  demo origin    ${origin ? origin.url : originBase ? `not started: proxying ${originBase.origin}` : 'none (ORIGIN_URL unset)'}`,
      `  upstash-local  ${upstash ? `${upstash.url}  (backend: ${upstash.backend})` : `not started: using ${redisUrl.origin}`}`,
      `  stripe-local   ${stripe ? `${stripe.url}  (checkout pages, portal, signed webhooks to the worker)` : 'not started: using Stripe itself (test-mode keys)'}`,
      `  ${apiKeyNote}`,
      `  try: curl -s -X POST http://127.0.0.1:${WORKER_PORT}/_paywall/v1/access -H 'authorization: Bearer ${LOCAL_SITE_API_KEY}' -H 'content-type: application/json' -d '{"article":{"id":"a1"}}'`,
      `  docs           http://127.0.0.1:${WORKER_PORT}/_paywall/docs  (every route, OpenAPI 3.1)`,
      '  edge middleware: cd examples/cloudflare-worker && npx wrangler dev  (a site asking this service)',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  const stop = once(async (code: number) => {
    signalWrangler('SIGTERM');
    const exited = new Promise((done) =>
      wrangler.exitCode !== null ? done(null) : wrangler.once('exit', done),
    );
    // A grace period, then the `exit` hook's SIGKILL for anything still running.
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
    await Promise.all([upstash?.close(), stripe?.close(), origin?.close()]);
    process.exit(code);
  });
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  wrangler.on('exit', (code) => void stop(code ?? 0));
}

function once<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  let called = false;
  return async (...args: A) => {
    if (called) return;
    called = true;
    await fn(...args);
  };
}

main().catch((error: unknown) => {
  console.error(`[dev] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
