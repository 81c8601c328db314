/// <reference types="node" />
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startChild } from '../../bench/support/child';
import { Cleanup } from '../../bench/support/cleanup';
import { freePort, waitForHttp } from '../../bench/support/net';
import { bundleWorker, ROOT } from '../../bench/support/wrangler';
import { paywallConfigSchema } from '../../src/config';
import { startDemoOrigin } from '../../tools/demo-origin/server';
import { pricesForOffers } from '../../tools/dev/local-stripe-prices';
import { newSigningKey } from '../../tools/lib/keys';
import { startStripeLocal } from '../../tools/stripe-local/server';
import { startUpstashLocal } from '../../tools/upstash-local/server';
import { startDoorProxy } from '../support/door-proxy';
import { startFlakyProxy } from '../support/flaky-proxy';
import { LogScan, printCapturedLogs } from '../support/pii-scan';

/**
 * The whole service on ephemeral ports, for the Chromium journeys: upstash-local, the Stripe
 * emulator and the demo origin in this process, and `wrangler dev` as a child.
 *
 * - The worker is bundled once at start (as `wrangler deploy --dry-run` does) and run with
 *   `--no-bundle`: others edit src/ while the journeys run, and a watched entry would make
 *   wrangler rebuild and restart the worker under a test. One run tests one snapshot.
 * - Every binding is a `--var`, and `--env-file` points at an empty file: given an env file,
 *   wrangler reads no `.dev.vars`, so a developer's `npm start` settings cannot leak in
 *   (`--var` would win over them anyway; `sanity` in the journeys checks the key ring).
 * - Redis keys carry a random prefix per run, so runs never meet on a shared redis-server.
 */

/** Short enough that the cancellation journey can wait it out (the minimum the config allows). */
export const TOKEN_TTL_SECONDS = 60;

export interface Stack {
  /** The worker, e.g. http://127.0.0.1:41234: the demo site behind the paywall. */
  url: string;
  stripeUrl: string;
  originUrl: string;
  /** `kid` of the only signing key: the JWKS must publish exactly this. */
  signingKid: string;
  /** ENTITLEMENT_SIGNING_KEYS as given to the worker (private): tests mint tokens with it. */
  signingKeys: string;
  keyPrefix: string;
  tokenTtlSeconds: number;
  /** STRIPE_WEBHOOK_SECRET as given to the worker: to sign events delivered by hand. */
  webhookSecret: string;
  /** upstash-local itself (never behind the fault proxy): to read what the worker stored. */
  upstash: { url: string; token: string };
  /** wrangler dev's pid and port: its workerd children are found under it (the soak's RSS). */
  wrangler: { pid: number; port: number };
  /** Only with `redisFaults`: every Redis call of the worker fails (503) while on. */
  setRedisFault?: (on: boolean) => Promise<void>;
  stop(): Promise<void>;
}

/**
 * wrangler 4.86 has no flag to turn its inspector proxy off, but skips it when it believes it
 * runs in a VS Code debug terminal (as bench/support/wrangler.ts does): one listener less.
 */
const INSPECTOR_OFF = '{"e2e":"wrangler inspector proxy off"}';

export interface StackOptions {
  /** Origins besides the worker's own whose forms may post to checkout (`allowedOrigins`). */
  allowedOrigins?: string[];
  /**
   * Merged (objects deeply, anything else replaced) into the PAYWALL_CONFIG built here, e.g.
   * `{ accounts: { registration: { enabled: true } } }`. Default: nothing added.
   */
  paywallConfig?: Record<string, unknown>;
  /**
   * Put tests/support/flaky-proxy.ts between the worker and upstash-local, switched by
   * `Stack.setRedisFault`. Default false.
   */
  redisFaults?: boolean;
  /** False: stripe-local delivers no webhooks (the test delivers events itself). Default true. */
  stripeWebhooks?: boolean;
  /** Extra bindings over the ones built here, e.g. `{ REDIS_TIMEOUT_MS: '2000' }`. */
  vars?: Record<string, string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const cleanup = new Cleanup();
  try {
    return await start(cleanup, options);
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}

async function start(cleanup: Cleanup, options: StackOptions): Promise<Stack> {
  const paywallConfig = mergeConfig(
    {
      entitlements: { tokenTtlSeconds: TOKEN_TTL_SECONDS },
      allowedOrigins: options.allowedOrigins ?? [],
    },
    options.paywallConfig ?? {},
  );
  // Refused here, with zod's message, rather than as a worker that never turns healthy.
  const { offers } = paywallConfigSchema.parse(paywallConfig);
  const dir = await mkdtemp(join(tmpdir(), 'edge-paywall-e2e-'));
  // Also when vitest exits on Ctrl-C without running the global teardown: the children are
  // killed by bench/support/child.ts's own exit hook, the in-process servers die with us.
  const removeDir = () => {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: it is a temp dir
    }
  };
  process.once('exit', removeDir);
  cleanup.add('temp dir', () => {
    process.off('exit', removeDir);
    return rm(dir, { recursive: true, force: true });
  });
  const script = await bundleWorker(resolve(ROOT, 'src/index.ts'), join(dir, 'bundle'));
  const emptyEnvFile = join(dir, 'empty.env');
  await writeFile(emptyEnvFile, '', { mode: 0o600 });

  const token = randomBytes(24).toString('base64url');
  const upstash = await startUpstashLocal({ port: 0, token, backend: 'auto' });
  cleanup.add('upstash-local', () => upstash.close());
  const keyPrefix = `pwe2e-${randomBytes(6).toString('hex')}:`;
  cleanup.add('redis keys', () => deleteKeys(upstash.url, token, keyPrefix));
  let redisUrl = upstash.url;
  let setRedisFault: Stack['setRedisFault'];
  if (options.redisFaults) {
    const flaky = await startFlakyProxy(upstash.url);
    cleanup.add('flaky proxy', () => flaky.close());
    redisUrl = `${flaky.url}/t/stack`;
    setRedisFault = async (on) => {
      const res = await fetch(`${flaky.url}/__flaky/stack`, {
        method: 'POST',
        body: JSON.stringify({ failRate: on ? 1 : 0 }),
      });
      if (!res.ok) throw new Error(`flaky proxy: HTTP ${res.status}`);
    };
  }

  // Everyone (browser, tests, Stripe's webhooks) comes in through a door proxy that hides
  // one wrangler dev artifact (tests/support/door-proxy.ts); wrangler dev listens behind it.
  const port = await freePort();
  const door = await startDoorProxy(`http://127.0.0.1:${port}`, { keepHost: true });
  cleanup.add('door proxy', () => door.close());
  const url = door.url;
  const webhookSecret = `whsec_e2e_${randomBytes(16).toString('hex')}`;
  const stripe = await startStripeLocal({
    port: 0,
    secretKey: 'sk_test_local',
    webhookSecret,
    ...(options.stripeWebhooks === false
      ? {}
      : { webhookUrl: `${url}/_paywall/v1/webhooks/stripe` }),
    // The emulator knows the prices of the offers this worker will show.
    prices: pricesForOffers(offers),
  });
  cleanup.add('stripe-local', () => stripe.close());
  const origin = await startDemoOrigin({ port: 0 });
  cleanup.add('demo origin', () => origin.close());

  const signingKey = await newSigningKey();
  const vars: Record<string, string> = {
    ENVIRONMENT: 'development',
    ORIGIN_URL: origin.url,
    UPSTASH_REDIS_REST_URL: redisUrl,
    UPSTASH_REDIS_REST_TOKEN: token,
    REDIS_KEY_PREFIX: keyPrefix,
    READER_ID_SECRET: randomBytes(32).toString('base64url'),
    SITE_API_KEYS: 'local-dev-key',
    ENTITLEMENT_SIGNING_KEYS: JSON.stringify([signingKey]),
    STRIPE_SECRET_KEY: 'sk_test_local',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_BASE: stripe.url,
    PAYWALL_CONFIG: JSON.stringify(paywallConfig),
    // The most verbose level: every line the worker can log is written, and scanned below.
    LOG_LEVEL: 'info',
    // Room for a busy 2-core machine: a Redis call the shared CPU delays past the production
    // default (200 ms) would turn a journey's expected wall into a degraded grant. The limit
    // itself is proven by the workerd fault tests, with their own values.
    REDIS_TIMEOUT_MS: '1000',
    ...options.vars,
  };
  // `--var NAME:VALUE` splits at the first colon only, so URLs and JSON pass unchanged.
  const args = [
    resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
    'dev',
    script,
    '--no-bundle',
    '--config',
    resolve(ROOT, 'wrangler.toml'),
    '--env-file',
    emptyEnvFile,
    '--persist-to',
    join(dir, 'state'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
  ];
  const child = startChild('wrangler dev', process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
      VSCODE_INSPECTOR_OPTIONS: INSPECTOR_OFF,
    },
  });
  cleanup.add('wrangler dev', () => child.stop(8_000));
  const logs = scanWorkerOutput(child.proc);

  await waitForHttp(`${url}/_paywall/healthz`, {
    timeoutMs: 120_000,
    ready: async (res) => res.ok && ((await res.json()) as HealthBody).redis?.status === 'ok',
    describe: child.recentOutput,
    aborted: child.exited,
  });
  logs.ready();

  return {
    url,
    stripeUrl: stripe.url,
    originUrl: origin.url,
    signingKid: signingKey.kid ?? '',
    signingKeys: vars.ENTITLEMENT_SIGNING_KEYS ?? '[]',
    keyPrefix,
    tokenTtlSeconds: TOKEN_TTL_SECONDS,
    webhookSecret,
    upstash: { url: upstash.url, token },
    wrangler: { pid: child.proc.pid ?? 0, port },
    ...(setRedisFault ? { setRedisFault } : {}),
    stop: async () => {
      await cleanup.run();
      logs.judge();
    },
  };
}

/**
 * Every line the worker writes (wrangler dev's stdout and stderr, from the moment the
 * service answers its health check) is scanned for personal data (tests/support/pii-scan.ts).
 * Before that, wrangler prints its banner and the bindings' values (URLs on 127.0.0.1): not
 * the worker's logs. Wrangler's own access log lines (`[wrangler:info] GET /path 200 OK`) are
 * skipped too: dev-only, they show request paths with their query, which production never
 * logs. Lines are printed only with PAYWALL_TEST_LOGS=all. `judge()` at stop: the run fails
 * (exit code 1, and the stop throws) naming the pattern, never the secret in full.
 */
const WRANGLER_ACCESS_LOG = /^\[wrangler:\w+\] [A-Z]+ \/\S* \d{3} /;
function scanWorkerOutput(proc: ChildProcess): { ready(): void; judge(): void } {
  const scan = new LogScan();
  let ready = false;
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (printCapturedLogs()) process.stderr.write(text);
    if (!ready) return;
    for (const line of text.split('\n')) {
      if (!WRANGLER_ACCESS_LOG.test(line)) scan.feed('wrangler dev (the service under test)', line);
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  return {
    ready: () => {
      ready = true;
    },
    judge: () => {
      const verdict = scan.verdict();
      if (verdict === undefined) return;
      process.stderr.write(`\n${verdict}\n\n`);
      process.exitCode = 1;
      throw new Error(verdict);
    },
  };
}

/** `extra` over `base`: plain objects merge key by key, anything else (arrays too) replaces. */
function mergeConfig(
  base: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const before = merged[key];
    merged[key] =
      isPlainObject(before) && isPlainObject(value) ? mergeConfig(before, value) : value;
  }
  return merged;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface HealthBody {
  redis?: { status?: string };
}

/** Best effort: the run's keys all expire anyway; this keeps a shared redis-server tidy. */
async function deleteKeys(upstashUrl: string, token: string, prefix: string): Promise<void> {
  const command = async (cmd: (string | number)[]) => {
    const res = await fetch(upstashUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(cmd),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`upstash-local: HTTP ${res.status}`);
    return ((await res.json()) as { result: unknown }).result;
  };
  let cursor = '0';
  do {
    const [next, keys] = (await command(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', 500])) as [
      string,
      string[],
    ];
    if (keys.length > 0) await command(['DEL', ...keys]);
    cursor = next;
  } while (cursor !== '0');
}
