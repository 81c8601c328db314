import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { seedSubscriber } from '../support/entitlements';
import {
  type AccessBody,
  accessRequest,
  articleId,
  callWorker,
  readInOrder,
  withBindings,
} from '../support/worker';

// Issue #10 item 5: a peek (`consume: false`) is never a grant. Whoever sends it and whatever
// the reader's standing, the answer is `access: "peek"` with `wouldBe`, so a site that checks
// `access === "granted"` cannot render the full text on a request that counted nothing.

type Fetcher = (request: Request) => Promise<Response>;
const json = async (response: Response) => (await response.json()) as AccessBody;

/** A reader who has read `n` articles (counted), and their signed id. */
async function readerWith(n: number, fetcher: Fetcher = callWorker): Promise<string> {
  const peek = await json(
    await fetcher(accessRequest({ article: { id: articleId() }, consume: false })),
  );
  if (n === 0) return peek.reader.id;
  const answers = await readInOrder(
    fetcher,
    Array.from({ length: n }, () => articleId()),
    peek.reader.id,
  );
  return answers.at(-1)?.reader.id as string;
}

/** `used` as a peek sees it, which counts nothing. */
async function used(readerId: string, fetcher: Fetcher = callWorker): Promise<number | undefined> {
  const answer = await json(
    await fetcher(
      accessRequest({ article: { id: articleId() }, reader: { id: readerId }, consume: false }),
    ),
  );
  return answer.meter?.used;
}

const ruled = withBindings({
  PAYWALL_CONFIG: {
    rules: [
      { match: { path: '/free/**' }, access: 'free' },
      { match: { section: 'investigations' }, access: 'premium' },
    ],
  },
});

// Every standing a reader can have, each asked with `consume: false`: never a grant.
const standings: [string, () => Promise<{ response: Response }>, string, string][] = [
  [
    'a new reader, metered article',
    async () => ({
      response: await callWorker(accessRequest({ article: { id: articleId() }, consume: false })),
    }),
    'granted',
    'metered',
  ],
  [
    'a reader with reads left',
    async () => {
      const id = await readerWith(1);
      return {
        response: await callWorker(
          accessRequest({ article: { id: articleId() }, reader: { id }, consume: false }),
        ),
      };
    },
    'granted',
    'metered',
  ],
  [
    'an article already read',
    async () => {
      const article = articleId();
      const [first] = await readInOrder(callWorker, [article]);
      const id = first?.reader.id as string;
      return {
        response: await callWorker(
          accessRequest({ article: { id: article }, reader: { id }, consume: false }),
        ),
      };
    },
    'granted',
    'already_read',
  ],
  [
    'a reader at the limit',
    async () => {
      const id = await readerWith(3);
      return {
        response: await callWorker(
          accessRequest({ article: { id: articleId() }, reader: { id }, consume: false }),
        ),
      };
    },
    'denied',
    'meter_exhausted',
  ],
  [
    'a free article',
    async () => ({
      response: await ruled(accessRequest({ article: { id: 'free/2026/peek' }, consume: false })),
    }),
    'granted',
    'free_article',
  ],
  [
    'a premium article',
    async () => ({
      response: await ruled(
        accessRequest({
          article: { id: articleId(), section: 'investigations' },
          consume: false,
        }),
      ),
    }),
    'denied',
    'premium',
  ],
  [
    'a subscriber (linked by user id)',
    async () => {
      const { userId } = await seedSubscriber();
      return {
        response: await callWorker(
          accessRequest({ article: { id: articleId() }, reader: { userId }, consume: false }),
        ),
      };
    },
    'granted',
    'subscriber',
  ],
  [
    'a verified crawler (Googlebot address)',
    async () => ({
      response: await callWorker(
        accessRequest({
          article: { id: articleId() },
          reader: { ip: '66.249.66.1' },
          consume: false,
        }),
      ),
    }),
    'granted',
    'verified_crawler',
  ],
  [
    // A reader who has read before: a new reader's peek needs no Redis (src/meter/carried.ts).
    'the meter down, failing open',
    async () => ({
      response: await withBindings({ UPSTASH_REDIS_REST_URL: env.TEST_CLOSED_URL })(
        accessRequest({
          article: { id: articleId() },
          reader: { id: await readerWith(1) },
          consume: false,
        }),
      ),
    }),
    'granted',
    'degraded',
  ],
  [
    'the meter down, failing closed',
    async () => ({
      response: await withBindings({
        UPSTASH_REDIS_REST_URL: env.TEST_CLOSED_URL,
        PAYWALL_CONFIG: { onMeterFailure: 'closed' },
      })(
        accessRequest({
          article: { id: articleId() },
          reader: { id: await readerWith(1) },
          consume: false,
        }),
      ),
    }),
    'denied',
    'degraded',
  ],
];

describe('POST /v1/access with consume: false answers a peek, never a grant', () => {
  it.each(standings)('%s: a peek, never a grant', async (_, ask, wouldBe, reason) => {
    const { response } = await ask();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const body = await json(response);
    expect(body.access).toBe('peek');
    expect(body.access).not.toBe('granted');
    expect(body).toMatchObject({ access: 'peek', wouldBe, reason });
  });

  it('the same standings with consume: true (or left out) are final verdicts, never a peek', async () => {
    const counted = await json(await callWorker(accessRequest({ article: { id: articleId() } })));
    expect(counted.access).toBe('granted');
    expect('wouldBe' in counted).toBe(false);
    const id = await readerWith(3);
    const walled = await json(
      await callWorker(
        accessRequest({ article: { id: articleId() }, reader: { id }, consume: true }),
      ),
    );
    expect([walled.access, 'wouldBe' in walled]).toEqual(['denied', false]);
  });

  it('eight peeks at eight articles leave `used` where it was; the real reads then count', async () => {
    const id = await readerWith(1);
    const articles = Array.from({ length: 8 }, () => articleId('peeked'));
    for (const article of articles) {
      const body = await json(
        await callWorker(
          accessRequest({ article: { id: article }, reader: { id }, consume: false }),
        ),
      );
      expect([body.access, body.meter?.used]).toEqual(['peek', 1]);
    }
    expect(await used(id)).toBe(1);
    const real = await readInOrder(callWorker, articles.slice(0, 3), id);
    expect(real.map((a) => [a.access, a.reason, a.meter?.used])).toEqual([
      ['granted', 'metered', 2],
      ['granted', 'metered', 3],
      ['denied', 'meter_exhausted', 3],
    ]);
  });

  // Only a JSON boolean is a peek: every other spelling of "false" is refused, not coerced
  // to a count (or worse, to a peek the caller did not mean).
  const spellings: [string, unknown][] = [
    ['string "false"', 'false'],
    ['string "0"', '0'],
    ['number 0', 0],
    ['null', null],
    ['empty string', ''],
    ['string "no"', 'no'],
    ['array', [false]],
    ['object', { value: false }],
    ['string "true"', 'true'],
    ['number 1', 1],
  ];
  it.each(spellings)('consume as %s is a 400 envelope', async (_, consume) => {
    const response = await callWorker(accessRequest({ article: { id: articleId() }, consume }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.requestId).toBeTruthy();
  });
});
