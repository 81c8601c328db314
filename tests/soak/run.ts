/// <reference types="node" />
import { parseArgs } from 'node:util';
import { readMemory } from '../../bench/support/memory';
import { workerdPids } from '../../bench/support/workerd';
import { accessFromRecord } from '../../src/entitlements/status';
import { createSubscriberStore } from '../../src/entitlements/store';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';
import { type Stack, startStack } from '../e2e/stack';
import { findInspector, HeapProbe } from './heap';
import {
  type AccessAnswer,
  accessInit,
  accessWithToken,
  cancel,
  Faults,
  Http,
  type MeterTally,
  newSoakReader,
  prng,
  type Reader,
  read,
  type Subscription,
  subscribe,
  Webhooks,
} from './load';
import { compareEntitlement, compareMeter, entitledAfter } from './model';
import { judge, memoryFigures, type Outcome, print, Stats } from './report';

/**
 * `npm run soak [-- --seconds N --seed S]`: a bounded, self-stopping mixed load on the real
 * stack (tests/e2e/stack.ts: wrangler dev, upstash-local on redis-server, stripe-local, the
 * demo origin), then the end state compared with the reference model (./model.ts).
 *
 * 8 requests in flight at most: 6 reader slots (anonymous readers over many articles via the
 * access API), 1 subscriber slot (checkout → pay on the emulator → checkout-complete → a
 * `subscriber` answer; some cancel), 1 webhook slot (every event 1–3 times, shuffled; a 5xx
 * is delivered again in a later round). Redis faults (every call of the worker fails) switch
 * on and off on a schedule drawn from the seed. The worker's RSS is sampled every second, its
 * JS heap after a full GC every 5 s (tests/soak/heap.ts); goals in ./report.ts.
 * Exit code 1 when any goal is missed; the figures are printed either way.
 */

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    seed: { type: 'string', default: '1' },
    // `readers`: anonymous readers and faults only (no checkout, no webhooks), to tell which
    // part of the load a memory trend follows.
    mix: { type: 'string', default: 'all' },
  },
});
const SECONDS = Number(values.seconds);
const SEED = Number(values.seed);
if (!Number.isInteger(SECONDS) || SECONDS < 20 || SECONDS > 3_600)
  throw new Error('--seconds: an integer from 20 to 3600');
if (!Number.isInteger(SEED)) throw new Error('--seed: an integer');
const MIX = values.mix;
if (MIX !== 'all' && MIX !== 'readers') throw new Error('--mix: all or readers');

const READER_SLOTS = 6;
const READERS_PER_SLOT = 60;
const ARTICLES = 40;
const CANCEL_SHARE = 0.3;
/** The stack's entitlement token lifetime (tests/e2e/stack.ts), plus the verifier's tolerance. */
const TOKEN_STALE_MS = 70_000;

async function main(): Promise<number> {
  const stats = new Stats();
  process.stdout.write(`soak: starting the stack (seed ${SEED}, ${SECONDS} s of load)\n`);
  const stack = await startStack({
    redisFaults: true,
    stripeWebhooks: false,
    // Checkout's rate limits are a guard against card testing, not under test here.
    paywallConfig: {
      checkoutRateLimit: { perIp: 10_000, perReader: 10_000, siteWide: 100_000 },
      // A claim left by processing that failed (Redis down at release too) lapses in 1 s, not
      // 60: redeliveries are compressed here as in tests/replay.
      webhooks: { processingClaimSeconds: 1 },
    },
    // Only the injected faults make the meter fail: a busy core must not time Redis out.
    vars: { REDIS_TIMEOUT_MS: '2000' },
  });
  let code = 1;
  try {
    code = await soak(stack, stats);
  } finally {
    await stack.stop();
  }
  return code;
}

async function soak(stack: Stack, stats: Stats): Promise<number> {
  const faults = new Faults(stack);
  const http = new Http(stats, faults);
  const tally: MeterTally = {
    reads: 0,
    degradedInFault: 0,
    degradedOutside: 0,
    decisionMismatches: 0,
    tokenMissingInFault: 0,
    tokenMissing: 0,
  };
  const webhooks = new Webhooks({ http, stack }, prng(SEED * 7 + 3));
  const ctx = { http, stack, faults, stats, tally, webhooks };

  const { worker: workerPid } = workerdPids(stack.wrangler.pid, stack.wrangler.port);
  const samplesKb: number[] = [];
  const sampler = setInterval(() => {
    const m = readMemory(workerPid);
    if (m) samplesKb.push(m.rssKb);
  }, 1_000);

  // The worker's JS heap after a full GC, every 5 s (a GC each time: a few ms of pause).
  const inspector = await findInspector(workerPid, 'edge-paywall');
  if (!inspector) throw new Error("the worker's inspector was not found under wrangler dev");
  const probe = await HeapProbe.connect(inspector);
  const heapKb: number[] = [];
  let heapBusy = false;
  const heapSampler = setInterval(() => {
    if (heapBusy) return;
    heapBusy = true;
    probe
      .usedAfterGc()
      .then((bytes) => heapKb.push(bytes / 1024))
      .catch((error: Error) => stats.note(`heap probe: ${error.message}`))
      .finally(() => {
        heapBusy = false;
      });
  }, 5_000);

  const start = Date.now();
  const deadline = start + SECONDS * 1_000;
  const running = () => Date.now() < deadline;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  // Faults: off 6–12 s, on 2–5 s, from the seed; the last window closes 5 s before the end.
  const faultRand = prng(SEED * 7 + 1);
  const faultLoop = (async () => {
    while (true) {
      await pause(6_000 + Math.floor(faultRand() * 6_000));
      const onMs = 2_000 + Math.floor(faultRand() * 3_000);
      if (Date.now() + onMs > deadline - 5_000) break;
      await faults.set(true);
      await pause(onMs);
      await faults.set(false);
    }
  })();

  const readers: Reader[] = [];
  const readerLoops = Array.from({ length: READER_SLOTS }, async (_, slot) => {
    const rand = prng(SEED * 7 + 10 + slot);
    const mine = Array.from({ length: READERS_PER_SLOT }, (_, i) =>
      newSoakReader(`reader-${slot}-${i}`),
    );
    readers.push(...mine);
    while (running()) {
      const reader = mine[Math.floor(rand() * mine.length)] as Reader;
      const counted = reader.model.counted;
      // Some re-reads (already_read), most a random article of many.
      const article =
        counted.length > 0 && rand() < 0.3
          ? (counted[Math.floor(rand() * counted.length)] as string)
          : `soak/article-${Math.floor(rand() * ARTICLES)}`;
      await read(ctx, reader, article);
    }
  });

  const subscriptions: Subscription[] = [];
  const subscriberLoop = (async () => {
    const rand = prng(SEED * 7 + 2);
    let n = 0;
    while (MIX === 'all' && running()) {
      const sub = await subscribe(ctx, `subscriber-${n++}`, rand() < 0.5 ? 'monthly' : 'yearly');
      if (!sub) continue;
      subscriptions.push(sub);
      if (sub.token) {
        const answer = await accessWithToken(ctx, 'access (subscriber)', sub.token, sub.readerId);
        if (answer && answer.reason !== 'subscriber')
          stats.note(`${sub.name}: just paid, access says ${answer.reason}`);
      }
      // Cancel one earlier subscription now and then.
      const active = subscriptions.filter((s) => entitledAfter(s.events));
      if (active.length > 0 && rand() < CANCEL_SHARE) {
        await cancel(ctx, active[Math.floor(rand() * active.length)] as Subscription);
      }
    }
  })();

  const webhookLoop = (async () => {
    while (running()) {
      if (webhooks.pending === 0) await pause(200);
      else await webhooks.deliverRound(1, deadline);
    }
  })();

  await Promise.all([...readerLoops, subscriberLoop, webhookLoop, faultLoop]);
  await faults.set(false);
  clearInterval(sampler);
  clearInterval(heapSampler);
  probe.close();
  const loadSeconds = (Date.now() - start) / 1_000;

  // Drain: every event delivered until the worker took it (bounded).
  for (let round = 0; webhooks.pending > 0 && round < 20; round++) {
    await webhooks.deliverRound(8);
    if (webhooks.pending > 0) await pause(1_100); // a failed claim lapses
  }
  if (webhooks.pending > 0) stats.note(`${webhooks.pending} webhook deliveries never taken`);

  // The meter: one peek per reader that has an id must equal the model's count.
  let meterLost = 0;
  let meterExtra = 0;
  let readersMismatched = 0;
  const withId = readers.filter((r) => r.id !== undefined);
  for (let i = 0; i < withId.length; i += 8) {
    await Promise.all(
      withId.slice(i, i + 8).map(async (reader) => {
        const res = await http.call(
          'access (final peek)',
          `${stack.url}/_paywall/v1/access`,
          accessInit({
            article: { id: 'soak/final-peek' },
            reader: { id: reader.id },
            consume: false,
          }),
          (s) => s === 200,
        );
        if (res?.status !== 200) {
          readersMismatched += 1;
          return;
        }
        const answer = (await res.json()) as AccessAnswer;
        const { lost, extra } = compareMeter(reader.model.counted.length, answer.meter?.used ?? -1);
        meterLost += lost;
        meterExtra += extra;
        if (lost + extra > 0) {
          readersMismatched += 1;
          stats.note(
            `${reader.name}: model ${reader.model.counted.length}, worker ${answer.meter?.used}`,
          );
        }
      }),
    );
  }

  // Entitlements: the subscriber record (what the webhooks and checkout-complete wrote), and
  // the access API with the token from checkout-complete.
  const store = createSubscriberStore({
    redis: createRedisClient({ ...stack.upstash, timeoutMs: 5_000 }),
    keys: createKeys(stack.keyPrefix),
    timeoutMs: 5_000,
  });
  let entitlementLost = 0;
  let entitlementWrong = 0;
  let accessChecks = 0;
  const now = new Date();
  for (const sub of subscriptions) {
    const model = entitledAfter(sub.events);
    const record = await store.findByStripeSubscription(sub.subscriptionId);
    const actual =
      record !== null && accessFromRecord(record, now, { pastDueGraceDays: 3 }).entitled;
    const verdict = compareEntitlement(model, actual);
    if (verdict === 'lost') entitlementLost += 1;
    if (verdict === 'wrongly_granted') entitlementWrong += 1;
    if (verdict !== 'ok')
      stats.note(`${sub.name}: model entitled=${model}, record ${record?.status ?? 'missing'}`);
    // A token still fresh says subscriber whatever billing did since: checked when the model
    // says entitled, or when the token is old enough to be refreshed from the record.
    if (sub.token && (model || Date.now() - sub.tokenAt > TOKEN_STALE_MS)) {
      accessChecks += 1;
      const answer = await accessWithToken(ctx, 'access (final token)', sub.token, sub.readerId);
      const viaApi = answer?.reason === 'subscriber';
      const apiVerdict = compareEntitlement(model, viaApi);
      if (apiVerdict === 'lost') entitlementLost += 1;
      if (apiVerdict === 'wrongly_granted') entitlementWrong += 1;
      if (apiVerdict !== 'ok')
        stats.note(`${sub.name}: model entitled=${model}, access API ${answer?.reason}`);
    }
  }

  const outcome: Outcome = {
    seconds: Math.round(loadSeconds),
    seed: SEED,
    faultWindows: faults.windows,
    faultSeconds: faults.totalMs / 1_000,
    readers: withId.length,
    reads: tally.reads,
    degradedInFault: tally.degradedInFault,
    degradedOutside: tally.degradedOutside,
    tokenMissingInFault: tally.tokenMissingInFault,
    tokenMissing: tally.tokenMissing,
    decisionMismatches: tally.decisionMismatches,
    meterLost,
    meterExtra,
    readersMismatched,
    subscriptions: subscriptions.length,
    cancelled: subscriptions.filter((s) => !entitledAfter(s.events)).length,
    webhookDeliveries: webhooks.deliveries,
    webhookRedelivered: webhooks.redelivered,
    entitlementLost,
    entitlementWrong,
    accessChecks,
    memory: memoryFigures(samplesKb),
    heap: memoryFigures(heapKb),
  };
  const missed = judge(stats, outcome);
  process.stdout.write(`\n${print(stats, outcome, missed)}\n`);
  return missed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`soak: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
