import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { assignVariant } from '../../src/experiments/assign';
import type { StatsReport } from '../../src/schemas/stats';
import { checkoutForm, checkoutJson, freshIp } from '../support/checkout';
import { control, deliverAll, stripeClient } from '../support/stripe';
import {
  type AccessBody,
  API_KEY,
  accessRequest,
  articleId,
  BASE,
  type Bindings,
  readInOrder,
  withBindings,
} from '../support/worker';

/**
 * The publisher's numbers (issue 15): counts that are exact when nothing fails, flushed after
 * responses, payments counted once per Stripe event, sticky experiment variants through the
 * funnel, and shadow rules that count what the candidate configuration would have done.
 * Every test counts under a key prefix of its own, so its day hashes hold only its events.
 */

type Fetcher = (request: Request) => Promise<Response>;

function isolatedPrefix(): string {
  return `${env.REDIS_KEY_PREFIX}st${crypto.randomUUID().slice(0, 8)}:`;
}

/** A worker of its own (its own isolate-level batch) on its own prefix and configuration. */
function worker(prefix: string, config: Record<string, unknown> = {}, extra: Bindings = {}) {
  return withBindings({ REDIS_KEY_PREFIX: prefix, PAYWALL_CONFIG: config, ...extra });
}

function statsRequest(query = '', key: string | null = API_KEY): Request {
  const headers = new Headers();
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  return new Request(`${BASE}/_paywall/v1/stats${query}`, { headers });
}

async function report(fetcher: Fetcher, query = ''): Promise<StatsReport> {
  const response = await fetcher(statsRequest(query));
  expect(response.status).toBe(200);
  return (await response.json()) as StatsReport;
}

/** `n` readers each reading `articles` (distinct per reader) in order; every answer. */
async function readers(fetcher: Fetcher, n: number, articles: number): Promise<AccessBody[][]> {
  const all: AccessBody[][] = [];
  for (let r = 0; r < n; r++) {
    all.push(
      await readInOrder(
        fetcher,
        Array.from({ length: articles }, () => articleId('stats')),
      ),
    );
  }
  return all;
}

describe('stats: exact counts when nothing fails', () => {
  it('counts every access decision by outcome, walled views and walled readers', async () => {
    const prefix = isolatedPrefix();
    // A batch far larger than the test: nothing is flushed until the stats route flushes it.
    const fetcher = worker(prefix, { stats: { flushEvents: 10_000, flushSeconds: 3_600 } });
    const answers = (await readers(fetcher, 3, 5)).flat();
    // A peek is not a view.
    await fetcher(accessRequest({ article: { id: articleId() }, reader: {}, consume: false }));
    const tally = (reason: string) => answers.filter((a) => a.reason === reason).length;
    expect(tally('metered')).toBe(9);
    expect(tally('meter_exhausted')).toBe(6);

    const r = await report(fetcher);
    expect(r.funnel.views).toBe(15);
    expect(r.views.metered).toBe(9);
    expect(r.views.meter_exhausted).toBe(6);
    expect(r.funnel.walled).toBe(6);
    expect(r.shadow.live).toEqual({ walledViews: 6, walledReaders: 3 });
    // Every view in the series, whichever UTC day it fell on (a run may cross midnight).
    expect(r.series.reduce((sum, point) => sum + point.views, 0)).toBe(15);
    // Asked again: the same numbers (the flush moved them to Redis, nothing twice).
    expect((await report(fetcher)).funnel).toEqual(r.funnel);
  });

  it('flushes after a response once `flushEvents` have gathered, not before', async () => {
    const prefix = isolatedPrefix();
    const config = { stats: { flushEvents: 4, flushSeconds: 3_600 } };
    const counting = worker(prefix, config);
    // A second worker on the same prefix: its own empty batch, so it sees only what was flushed.
    const looking = worker(prefix, config);
    await readers(counting, 1, 3);
    expect((await report(looking)).funnel.views).toBe(0);
    await readers(counting, 1, 1);
    // The 4th event made the batch due: flushed through waitUntil after that response.
    expect((await report(looking)).funnel.views).toBe(4);
  });

  it('counts nothing with `stats.enabled: false`', async () => {
    const prefix = isolatedPrefix();
    const fetcher = worker(prefix, { stats: { enabled: false, flushEvents: 1 } });
    await readers(fetcher, 1, 2);
    const r = await report(fetcher);
    expect(r.funnel.views).toBe(0);
  });
});

describe('stats: the API', () => {
  const fetcher = worker(isolatedPrefix());
  it.each([
    ['?from=2026-13-01', 400],
    ['?from=2026-02-30', 400],
    ['?to=yesterday', 400],
    ['?from=2026-11-30&to=2026-11-01', 400],
    ['?from=2020-01-01&to=2026-11-30', 400],
    ['?granularity=hour', 400],
    ['?from=2026-11-01&to=2026-11-30&granularity=week', 200],
    ['?granularity=month', 200],
    ['', 200],
  ])('GET /v1/stats%s answers %i', async (query, status) => {
    const response = await fetcher(statsRequest(query));
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error?: { code: string } };
    if (status === 400) expect(body.error?.code).toBe('invalid_request');
  });

  it.each([
    [null, 401],
    ['wrong-key-0123456789abcdef', 401],
  ])('refuses key %s with %i', async (key, status) => {
    const response = await fetcher(statsRequest('', key));
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'unauthorized',
    );
  });

  it('buckets the series by ISO week from Monday and by month', async () => {
    const weeks = await report(fetcher, '?from=2026-11-01&to=2026-11-30&granularity=week');
    expect(weeks.series.map((s) => s.start)).toEqual([
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
    const months = await report(fetcher, '?from=2026-10-15&to=2026-11-30&granularity=month');
    expect(months.series.map((s) => s.start)).toEqual(['2026-10-01', '2026-11-01']);
  });
});

describe('stats: payments, once per Stripe event', () => {
  it('counts a paid checkout once however often Stripe delivers its events', async () => {
    const prefix = isolatedPrefix();
    const fetcher = worker(prefix, { stats: { flushEvents: 10_000, flushSeconds: 3_600 } });
    const response = await fetcher(
      checkoutJson({ plan: 'yearly', returnTo: '/w' }, { ip: freshIp() }),
    );
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const sessionId = new URL(url).pathname.split('/').pop() as string;
    const paid = await control<{ events: { id: string; type: string }[] }>(
      `/_control/checkout/sessions/${sessionId}/pay`,
      { outcome: 'success' },
    );
    const ids = paid.events.map((e) => e.id);
    // Three deliveries of every event, as Stripe may.
    for (let i = 0; i < 3; i++) {
      for (const result of await deliverAll(fetcher, ids)) expect(result.status).toBe(200);
    }
    const r = await report(fetcher);
    expect(r.funnel.checkouts).toBe(1);
    expect(r.funnel.paid).toBe(1);
    expect(r.revenue).toEqual([{ offer: 'yearly', currency: 'eur', amount: 5000, payments: 1 }]);
    expect(r.revenueByCurrency).toEqual([{ currency: 'eur', amount: 5000, payments: 1 }]);
    // A yearly plan of 50.00 is 4.17 a month of recurring revenue.
    expect(r.supporters).toEqual({ active: 1, mrr: [{ currency: 'eur', amount: 417 }] });

    // Cancelled: one cancellation, one supporter fewer, whatever the deliveries.
    const session = await stripeClient().checkout.sessions.retrieve(sessionId);
    const cancelled = await control<{ events: { id: string; type: string }[] }>(
      `/_control/subscriptions/${session.subscription as string}/cancel`,
    );
    const cancelIds = cancelled.events.map((e) => e.id);
    for (let i = 0; i < 2; i++) {
      for (const result of await deliverAll(fetcher, cancelIds)) expect(result.status).toBe(200);
    }
    const after = await report(fetcher);
    expect(after.cancellations).toBe(1);
    expect(after.supporters).toEqual({ active: 0, mrr: [] });
  });
});

describe('stats: prompt experiments', () => {
  const experiment = {
    id: 'prompt',
    variants: [
      { id: 'control', weight: 1 },
      { id: 'local', weight: 1, heading: 'Keep local news alive' },
    ],
  };

  it('keeps a reader in one variant from the access decision through a paid checkout', async () => {
    const prefix = isolatedPrefix();
    const fetcher = worker(prefix, {
      experiment,
      stats: { flushEvents: 10_000, flushSeconds: 3_600 },
    });
    const [first] = await readInOrder(fetcher, [articleId()]);
    const readerId = first?.reader.id as string;
    const expected = assignVariant(readerId.slice(0, 22), experiment as never)?.id;
    expect(['control', 'local']).toContain(expected);

    // As the variant's prompt posts it: the form says which variant showed it.
    const cookie = `__Host-paywall_rid=${readerId}`;
    const checkout = checkoutForm(
      { plan: 'monthly', returnTo: '/w', experiment: expected as string },
      { cookie, ip: freshIp() },
    );
    const started = await fetcher(checkout);
    expect(started.status).toBe(303);
    const sessionId = new URL(started.headers.get('location') as string).pathname
      .split('/')
      .pop() as string;
    const session = await stripeClient().checkout.sessions.retrieve(sessionId);
    expect(session.metadata?.variant).toBe(expected);
    const paid = await control<{ events: { id: string }[] }>(
      `/_control/checkout/sessions/${sessionId}/pay`,
      { outcome: 'success' },
    );
    await deliverAll(
      fetcher,
      paid.events.map((e) => e.id),
    );

    const r = await report(fetcher);
    const mine = r.experiments.variants.find((v) => v.id === expected);
    expect(mine).toMatchObject({
      checkouts: 1,
      paid: 1,
      revenue: [{ currency: 'eur', amount: 500 }],
    });
    const other = r.experiments.variants.find((v) => v.id !== expected);
    expect(other).toMatchObject({ checkouts: 0, paid: 0 });

    // A checkout that no variant's prompt showed (the site's own button, or a form naming
    // another variant) is counted under none.
    for (const experiment of [undefined, other?.id as string]) {
      const fields: Record<string, string> = { plan: 'yearly', returnTo: '/w' };
      if (experiment) fields.experiment = experiment;
      const response = await fetcher(checkoutForm(fields, { cookie, ip: freshIp() }));
      expect(response.status).toBe(303);
    }
    const after = await report(fetcher);
    expect(after.funnel.checkouts).toBe(3);
    expect(after.experiments.variants.reduce((n, v) => n + v.checkouts, 0)).toBe(1);
  });
});

describe('stats: shadow rules count what the candidate would have done', () => {
  /**
   * The same readers and articles through two workers: live limit 3 with a shadow limit of 2
   * and a shadow premium section, and live limit 2 with that premium section for real. The
   * shadow's walled views and readers must equal the second worker's live ones.
   */
  it('matches the live decisions of the candidate configuration, switched on', async () => {
    const candidateRules = [{ match: { section: 'investigations' }, access: 'premium' }];
    const batch = { flushEvents: 10_000, flushSeconds: 3_600 };
    const withShadow = worker(isolatedPrefix(), {
      meter: { limit: 3 },
      shadow: { meterLimit: 2, rules: candidateRules },
      stats: batch,
    });
    const switched = worker(isolatedPrefix(), {
      meter: { limit: 2 },
      rules: candidateRules,
      stats: batch,
    });
    // Each reader: two stories, one investigation, then two more stories and a re-read.
    const plan = (r: number) => [
      { id: `s${r}-a` },
      { id: `s${r}-b` },
      { id: `s${r}-inv`, section: 'investigations' },
      { id: `s${r}-c` },
      { id: `s${r}-a` },
    ];
    const run = async (fetcher: Fetcher, tag: string) => {
      for (let r = 0; r < 4; r++) {
        let id: string | undefined;
        for (const article of plan(r)) {
          const response = await fetcher(
            accessRequest({
              article: { ...article, id: `${tag}/${article.id}` },
              reader: id ? { id } : {},
            }),
          );
          id = ((await response.json()) as AccessBody).reader.id;
        }
      }
    };
    const tag = crypto.randomUUID().slice(0, 8);
    await run(withShadow, tag);
    await run(switched, tag);
    const shadow = (await report(withShadow)).shadow;
    const live = (await report(switched)).shadow;
    expect(shadow.configured).toBe(true);
    expect(live.live.walledViews).toBeGreaterThan(0);
    expect(shadow.candidate).toEqual(live.live);
  });
});

describe('the dashboard', () => {
  const page = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });

  it('opens on loopback in development and test with nothing configured, and shows the numbers', async () => {
    const prefix = isolatedPrefix();
    const fetcher = worker(prefix, { stats: { flushEvents: 10_000, flushSeconds: 3_600 } });
    await readers(fetcher, 1, 4);
    const response = await fetcher(
      page('http://127.0.0.1:8787/_paywall/admin', { 'cf-connecting-ip': '127.0.0.1' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain('How many readers hit the wall?');
    // The four views just counted, in the funnel's table.
    expect(html).toContain('<th scope="row">Views</th><td>4</td>');
    expect(html).not.toContain('<script');
  });

  const refusals: [string, string, Record<string, string>, number][] = [
    ['a site host', `${BASE}/_paywall/admin`, { 'cf-connecting-ip': '127.0.0.1' }, 403],
    [
      'another address',
      'http://127.0.0.1/_paywall/admin',
      { 'cf-connecting-ip': '203.0.113.9' },
      403,
    ],
    ['no address', 'http://127.0.0.1/_paywall/admin', {}, 403],
    // Only Cloudflare's own CF-Connecting-IP says where a request came from.
    ...['x-forwarded-for', 'x-real-ip', 'true-client-ip', 'x-client-ip'].map(
      (name): [string, string, Record<string, string>, number] => [
        `no address, ${name}: 127.0.0.1`,
        'http://127.0.0.1/_paywall/admin',
        { [name]: '127.0.0.1' },
        403,
      ],
    ),
    [
      'no address, forwarded: for=127.0.0.1',
      'http://127.0.0.1/_paywall/admin',
      { forwarded: 'for=127.0.0.1' },
      403,
    ],
  ];
  it.each(refusals)('refuses %s', async (_name, url, headers, status) => {
    const response = await worker(isolatedPrefix())(page(url, headers));
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it('asks for the admin key when one is set, and opens with it as a Basic password', async () => {
    const key = 'admin-key-0123456789-abcdefghijklmnop';
    const fetcher = worker(isolatedPrefix(), {}, { ADMIN_KEY: key });
    const refused = await fetcher(page(`${BASE}/_paywall/admin`));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm="paywall admin"/);
    const wrong = await fetcher(
      page(`${BASE}/_paywall/admin`, { authorization: `Basic ${btoa(`x:${key}x`)}` }),
    );
    expect(wrong.status).toBe(401);
    const ok = await fetcher(
      page(`${BASE}/_paywall/admin`, { authorization: `Basic ${btoa(`editor:${key}`)}` }),
    );
    expect(ok.status).toBe(200);
    // Another method is a 405, as on any of our paths (the page is in the OpenAPI document).
    const post = await fetcher(new Request(`${BASE}/_paywall/admin`, { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toContain('GET');
  });

  it('answers 404, as for an unknown path, in production with nothing configured', async () => {
    const fetcher = worker(isolatedPrefix(), {}, { ENVIRONMENT: 'production' });
    const response = await fetcher(
      page('http://127.0.0.1/_paywall/admin', { 'cf-connecting-ip': '127.0.0.1' }),
    );
    expect(response.status).toBe(404);
  });
});
