/// <reference types="node" />
import { createHmac } from 'node:crypto';
import type { Stack } from '../e2e/stack';
import { setCookies } from '../support/cookie-jar';
import {
  applyRead,
  newReader,
  predictRead,
  type ReaderModel,
  type SubscriptionEvent,
} from './model';
import type { Stats } from './report';

/**
 * The soak's load generators. Every request goes through `Http.call`, which counts it by
 * kind and files a 5xx (or no answer) as inside a fault window when the fault was on at its
 * start or end, or switched while it was in flight.
 */

export const API_KEY = 'local-dev-key';
export const METER_LIMIT = 3;
const REQUEST_TIMEOUT_MS = 30_000;
/** The soak's `webhooks.processingClaimSeconds` (1 s, as tests/replay), plus a second. */
export const WEBHOOK_AFTERGLOW_MS = 2_000;

/** A small deterministic PRNG (an LCG, as tests/replay uses). */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

export function shuffle<T>(items: T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

export class Faults {
  on = false;
  switches = 0;
  windows = 0;
  totalMs = 0;
  /** When the last window closed (ms since the epoch; 0 before any). */
  lastOffAt = 0;
  private since = 0;

  constructor(private readonly stack: Stack) {}

  async set(on: boolean): Promise<void> {
    if (on === this.on) return;
    if (!this.stack.setRedisFault) throw new Error('the stack was started without redisFaults');
    if (on) {
      await this.stack.setRedisFault(true);
      this.on = true;
      this.windows += 1;
      this.since = Date.now();
    } else {
      await this.stack.setRedisFault(false);
      this.on = false;
      this.lastOffAt = Date.now();
      this.totalMs += Date.now() - this.since;
    }
    this.switches += 1;
  }
}

export class Http {
  constructor(
    private readonly stats: Stats,
    private readonly faults: Faults,
  ) {}

  /**
   * One request, counted under `kind`. `expected` says which statuses the route may answer
   * for this request besides a 5xx; anything else is counted as unexpected (and noted).
   * Returns null when no answer came. `afterglowMs`: a request started this soon after a
   * window closed still counts as in it (a webhook claim left by a failed processing lapses
   * only after `processingClaimSeconds`, and its redelivery is answered 503 until then).
   */
  async call(
    kind: string,
    url: string,
    init: RequestInit,
    expected: (status: number) => boolean,
    afterglowMs = 0,
  ): Promise<Response | null> {
    const k = this.stats.kind(kind);
    k.requests += 1;
    const onAtStart = this.faults.on || Date.now() < this.faults.lastOffAt + afterglowMs;
    const switchesAtStart = this.faults.switches;
    const inFault = () => onAtStart || this.faults.on || this.faults.switches !== switchesAtStart;
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      if (inFault()) k.errorsInFault += 1;
      else {
        k.errorsOutside += 1;
        this.stats.note(`${kind}: no answer (${(error as Error).message})`);
      }
      return null;
    }
    if (res.status >= 500) {
      const body = await res.text();
      if (inFault()) k.fiveXxInFault += 1;
      else {
        k.fiveXxOutside += 1;
        this.stats.note(`${kind}: ${res.status} ${body.slice(0, 160)}`);
      }
      return res;
    }
    if (!expected(res.status)) {
      k.unexpected += 1;
      this.stats.note(
        `${kind}: unexpected ${res.status} ${(await res.clone().text()).slice(0, 160)}`,
      );
    }
    return res;
  }
}

export interface AccessAnswer {
  access: string;
  reason: string;
  wouldBe?: string;
  reader: { id: string };
  meter: { used: number } | null;
}

export function accessInit(body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

export interface Reader {
  name: string;
  id?: string;
  model: ReaderModel;
  reads: number;
}

export interface MeterTally {
  reads: number;
  degradedInFault: number;
  degradedOutside: number;
  decisionMismatches: number;
  /** Checkouts whose way back (checkout-complete) set no entitlement cookie, by fault window. */
  tokenMissingInFault: number;
  tokenMissing: number;
}

/** One anonymous read of `article` through the access API, checked against the model. */
export async function read(
  ctx: { http: Http; stack: Stack; faults: Faults; stats: Stats; tally: MeterTally },
  reader: Reader,
  article: string,
): Promise<void> {
  const onAtStart = ctx.faults.on;
  const switchesAtStart = ctx.faults.switches;
  const res = await ctx.http.call(
    'access (read)',
    `${ctx.stack.url}/_paywall/v1/access`,
    accessInit({
      article: { id: article, url: `https://soak.example/${article}` },
      reader: reader.id ? { id: reader.id } : {},
    }),
    (s) => s === 200,
  );
  if (res?.status !== 200) return;
  const answer = (await res.json()) as AccessAnswer;
  ctx.tally.reads += 1;
  reader.reads += 1;
  // The signed id changes as it carries the meter (src/meter/carried.ts); the reader inside
  // it, its first 22 characters, must not.
  if (reader.id !== undefined && rawIdOf(answer.reader.id) !== rawIdOf(reader.id)) {
    ctx.tally.decisionMismatches += 1;
    ctx.stats.note(`${reader.name}: the worker replaced a reader id it issued`);
  }
  reader.id = answer.reader.id;
  if (answer.reason === 'degraded') {
    const inFault = onAtStart || ctx.faults.on || ctx.faults.switches !== switchesAtStart;
    if (inFault) ctx.tally.degradedInFault += 1;
    else ctx.tally.degradedOutside += 1;
    if (answer.access !== 'granted') {
      ctx.tally.decisionMismatches += 1;
      ctx.stats.note(`${reader.name}: degraded but ${answer.access} (the meter fails open)`);
    }
  } else {
    const predicted = predictRead(reader.model, article, METER_LIMIT);
    if (answer.reason !== predicted) {
      ctx.tally.decisionMismatches += 1;
      ctx.stats.note(`${reader.name} ${article}: model ${predicted}, worker ${answer.reason}`);
    }
  }
  reader.model = applyRead(reader.model, article, METER_LIMIT, answer.reason);
}

const rawIdOf = (id: string) => id.slice(0, 22);

export const newSoakReader = (name: string): Reader => ({ name, model: newReader(), reads: 0 });

// ---------------------------------------------------------------------------------------
// Subscribers

export interface Subscription {
  name: string;
  readerId: string;
  sessionId: string;
  subscriptionId: string;
  token: string | null;
  tokenAt: number;
  events: SubscriptionEvent[];
}

interface StripeEvent {
  id: string;
  type: string;
  data: { object: { id?: string } };
}

/**
 * Webhook deliveries the soak makes itself (stripe-local delivers none here): each event is
 * queued 1–3 times, and the queue is delivered in a shuffled order; a 5xx puts the copy back
 * for a later round, as Stripe retries.
 */
export class Webhooks {
  private queue: string[] = [];
  deliveries = 0;
  redelivered = 0;

  constructor(
    private readonly ctx: { http: Http; stack: Stack },
    private readonly rand: () => number,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  /** The events about these Stripe objects, each queued 1–3 times. */
  async enqueue(eventIds: string[], objectIds: string[]): Promise<void> {
    const bodies = new Map<string, string>();
    for (const object of objectIds) {
      const res = await this.ctx.http.call(
        'stripe: list events',
        `${this.ctx.stack.stripeUrl}/_control/events?object=${encodeURIComponent(object)}`,
        { headers: { authorization: 'Bearer sk_test_local' } },
        (s) => s === 200,
      );
      if (res?.status !== 200) continue;
      for (const e of ((await res.json()) as { data: StripeEvent[] }).data) {
        bodies.set(e.id, JSON.stringify(e));
      }
    }
    for (const id of eventIds) {
      const body = bodies.get(id);
      if (body === undefined) continue; // about an object the worker re-reads anyway
      const copies = 1 + Math.floor(this.rand() * 3);
      for (let i = 0; i < copies; i++) this.queue.push(body);
    }
  }

  /** Delivers what is queued now, shuffled, `concurrency` at a time; 5xx go back. */
  async deliverRound(concurrency: number, until = Number.POSITIVE_INFINITY): Promise<void> {
    // Never two copies of one event at once: the second would meet the first's claim (a 503
    // by design, "being processed"); it goes in a later batch.
    let round = shuffle(this.queue, this.rand);
    this.queue = [];
    while (round.length > 0) {
      if (Date.now() >= until) {
        this.queue.push(...round);
        return;
      }
      const batch: string[] = [];
      const later: string[] = [];
      for (const body of round) {
        if (batch.length < concurrency && !batch.includes(body)) batch.push(body);
        else later.push(body);
      }
      round = later;
      await Promise.all(
        batch.map(async (body) => {
          this.deliveries += 1;
          const t = Math.floor(Date.now() / 1000);
          const sig = createHmac('sha256', this.ctx.stack.webhookSecret)
            .update(`${t}.${body}`)
            .digest('hex');
          const res = await this.ctx.http.call(
            'webhook',
            `${this.ctx.stack.url}/_paywall/v1/webhooks/stripe`,
            {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'stripe-signature': `t=${t},v1=${sig}`,
              },
              body,
            },
            (s) => s === 200,
            WEBHOOK_AFTERGLOW_MS,
          );
          if (!res || res.status >= 500) {
            this.redelivered += 1;
            this.queue.push(body);
          }
        }),
      );
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries a step that may meet a fault window (a 5xx or no answer) after a short pause, at
 * most `tries` times: the load's own pacing, not a synchronisation.
 */
async function retrying(
  step: () => Promise<Response | null>,
  tries = 20,
): Promise<Response | null> {
  let res: Response | null = null;
  for (let i = 0; i < tries; i++) {
    res = await step();
    if (res && res.status < 500) return res;
    await sleep(500);
  }
  return res;
}

/**
 * One subscriber: a reader id, a checkout through the worker, paid on the emulator, its
 * events queued for delivery, the way back (checkout-complete: the entitlement cookie), and
 * an access answer with that token, which must say `subscriber`.
 */
export async function subscribe(
  ctx: {
    http: Http;
    stack: Stack;
    faults: Faults;
    stats: Stats;
    tally: MeterTally;
    webhooks: Webhooks;
  },
  name: string,
  plan: string,
): Promise<Subscription | null> {
  const { http, stack } = ctx;
  const onAtStart = ctx.faults.on;
  const switchesAtStart = ctx.faults.switches;
  const peek = await retrying(() =>
    http.call(
      'access (new reader)',
      `${stack.url}/_paywall/v1/access`,
      accessInit({ article: { id: 'soak/subscribe' }, reader: {}, consume: false }),
      (s) => s === 200,
    ),
  );
  if (peek?.status !== 200) return null;
  const readerId = ((await peek.json()) as AccessAnswer).reader.id;
  const created = await retrying(() =>
    http.call(
      'checkout',
      `${stack.url}/_paywall/v1/checkout`,
      accessInit({ plan, readerId }),
      (s) => s === 200,
    ),
  );
  if (created?.status !== 200) return null;
  const sessionId = new URL(((await created.json()) as { url: string }).url).pathname
    .split('/')
    .pop() as string;
  const paid = await http.call(
    'stripe: pay',
    `${stack.stripeUrl}/_control/checkout/sessions/${sessionId}/pay`,
    {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_local', 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'success' }),
    },
    (s) => s === 200,
  );
  if (paid?.status !== 200) return null;
  const { session, events } = (await paid.json()) as {
    session: { subscription: string; customer: string; invoice?: string | null };
    events: { id: string }[];
  };
  const subscriptionId = session.subscription;
  await ctx.webhooks.enqueue(
    events.map((e) => e.id),
    [sessionId, subscriptionId, session.customer, session.invoice ?? ''].filter(Boolean),
  );
  const sub: Subscription = {
    name,
    readerId,
    sessionId,
    subscriptionId,
    token: null,
    tokenAt: 0,
    events: ['paid'],
  };
  const back = await retrying(() =>
    http.call(
      'checkout complete',
      `${stack.url}/_paywall/checkout/complete?session_id=${encodeURIComponent(sessionId)}`,
      { headers: { cookie: `__Host-paywall_rid=${readerId}` }, redirect: 'manual' },
      (s) => s === 303,
    ),
  );
  if (back?.status === 303) {
    for (const line of setCookies(back)) {
      const m = /^__Host-paywall_ent=([^;]+)/.exec(line);
      if (m?.[1]) {
        sub.token = m[1];
        sub.tokenAt = Date.now();
      }
    }
  }
  if (sub.token === null) {
    // Outside a Redis fault window the payer must come back entitled (judged in report.ts).
    const inFault = onAtStart || ctx.faults.on || ctx.faults.switches !== switchesAtStart;
    if (inFault) ctx.tally.tokenMissingInFault += 1;
    else ctx.tally.tokenMissing += 1;
    ctx.stats.note(`${name}: checkout-complete set no entitlement cookie (${back?.status})`);
  }
  return sub;
}

export async function cancel(
  ctx: { http: Http; stack: Stack; webhooks: Webhooks },
  sub: Subscription,
): Promise<boolean> {
  const res = await ctx.http.call(
    'stripe: cancel',
    `${ctx.stack.stripeUrl}/_control/subscriptions/${sub.subscriptionId}/cancel`,
    {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_local', 'content-type': 'application/json' },
      body: '{}',
    },
    (s) => s === 200,
  );
  if (res?.status !== 200) return false;
  const { events } = (await res.json()) as { events: { id: string }[] };
  await ctx.webhooks.enqueue(
    events.map((e) => e.id),
    [sub.subscriptionId],
  );
  sub.events.push('cancelled');
  return true;
}

/** The access answer for a token holder: is it `subscriber`? */
export async function accessWithToken(
  ctx: { http: Http; stack: Stack },
  kind: string,
  token: string,
  readerId: string,
): Promise<AccessAnswer | null> {
  const res = await ctx.http.call(
    kind,
    `${ctx.stack.url}/_paywall/v1/access`,
    accessInit({
      article: { id: 'soak/members' },
      reader: { id: readerId, token },
      consume: false,
    }),
    (s) => s === 200,
  );
  if (res?.status !== 200) return null;
  return (await res.json()) as AccessAnswer;
}
