import { describe, expect, it } from 'vitest';
import {
  type AccessBody,
  accessRequest,
  articleId,
  callWorker,
  ROTATED_API_KEY,
  readInOrder,
  withBindings,
} from '../support/worker';

describe('POST /_paywall/v1/access: the contract', () => {
  it('grants 3 distinct articles, denies the 4th, and lets a counted article be re-read', async () => {
    const [a, b, c, d] = [articleId(), articleId(), articleId(), articleId()];
    const answers = await readInOrder(callWorker, [a, b, c, d, b] as string[]);

    expect(answers.map((x) => [x.access, x.reason, x.meter?.used, x.meter?.remaining])).toEqual([
      ['granted', 'metered', 1, 2],
      ['granted', 'metered', 2, 1],
      ['granted', 'metered', 3, 0],
      ['denied', 'meter_exhausted', 3, 0],
      ['granted', 'already_read', 3, 0],
    ]);
    // One reader throughout: the raw id issued first is the one carried on (the signed id
    // around it changes as it carries the meter's state: src/meter/carried.ts).
    expect(new Set(answers.map((x) => x.reader.id.slice(0, 22))).size).toBe(1);
  });

  it('answers the documented shape, with the window resetting on the 1st (UTC)', async () => {
    const response = await callWorker(
      accessRequest({ article: { id: articleId(), section: 'world' } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as AccessBody;
    expect(Object.keys(body).sort()).toEqual([
      'access',
      'entitlement',
      'meter',
      'reader',
      'reason',
    ]);
    expect(body.reader.id).toMatch(/^[A-Za-z0-9_-]{22}(\.[A-Za-z0-9_~-]+)?\.[A-Za-z0-9_-]{43}$/);
    expect(body.entitlement).toBeNull();
    const resetsAt = new Date(body.meter?.resetsAt ?? '');
    const now = new Date();
    expect(resetsAt.toISOString()).toBe(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    );
  });

  it('peeks without counting when consume is false', async () => {
    const [first] = await readInOrder(callWorker, [articleId()]);
    const id = first?.reader.id as string;
    const fresh = articleId();
    const peek = async () =>
      (await (
        await callWorker(accessRequest({ article: { id: fresh }, reader: { id }, consume: false }))
      ).json()) as AccessBody;

    const p1 = await peek();
    const p2 = await peek();
    expect([p1.access, p1.reason, p1.meter?.used]).toEqual(['peek', 'metered', 1]);
    expect(p1).toMatchObject({ wouldBe: 'granted' });
    expect(p2.meter?.used).toBe(1);
    // Counting for real afterwards still counts it once.
    const [real] = await readInOrder(callWorker, [fresh], id);
    expect(real?.meter?.used).toBe(2);
    const p3 = await peek();
    expect([p3.access, p3.reason, p3.meter?.used]).toEqual(['peek', 'already_read', 2]);
  });

  it('a peek at the limit says it would be denied, without counting', async () => {
    const answers = await readInOrder(callWorker, [articleId(), articleId(), articleId()]);
    const id = answers[2]?.reader.id as string;
    const response = await callWorker(
      accessRequest({ article: { id: articleId() }, reader: { id }, consume: false }),
    );
    const body = (await response.json()) as AccessBody;
    expect([body.access, body.reason, body.meter?.used]).toEqual(['peek', 'meter_exhausted', 3]);
    expect(body).toMatchObject({ wouldBe: 'denied' });
  });

  it('replaces a forged, tampered or foreign reader id with a fresh one', async () => {
    const [first] = await readInOrder(callWorker, [articleId()]);
    const genuine = first?.reader.id as string;
    const [rawId, sig] = genuine.split('.') as [string, string];
    const flipped = `${sig.slice(0, -2)}${sig.at(-2) === 'A' ? 'B' : 'A'}${sig.at(-1)}`;
    const forgeries = [
      `${rawId}.${flipped}`, // tampered signature
      `${'A'.repeat(22)}.${sig}`, // another id with a stolen signature
      'not-a-reader-id',
      `${rawId}.${'x'.repeat(43)}`,
    ];
    for (const forged of forgeries) {
      const response = await callWorker(
        accessRequest({ article: { id: articleId() }, reader: { id: forged } }),
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as AccessBody;
      expect(body.reader.id).not.toBe(forged);
      expect(body.reader.id).not.toBe(genuine);
      // A new reader starts a new meter: the forgery bought nothing and cost nothing.
      expect(body.meter?.used).toBe(1);
    }
  });

  it('a forged id signed with another secret is replaced', async () => {
    const other = withBindings({
      READER_ID_SECRET: 'another-secret-another-secret-another-secret',
    });
    const [foreign] = await readInOrder(other, [articleId()]);
    const [ours] = await readInOrder(callWorker, [articleId()], foreign?.reader.id);
    expect(ours?.reader.id).not.toBe(foreign?.reader.id);
  });

  it('meters a signed-in user as one person across devices', async () => {
    const userId = `user-${crypto.randomUUID()}`;
    const article = articleId();
    const deviceA = await callWorker(
      accessRequest({ article: { id: article }, reader: { userId } }),
    );
    const deviceB = await callWorker(
      accessRequest({ article: { id: article }, reader: { userId } }),
    );
    const a = (await deviceA.json()) as AccessBody;
    const b = (await deviceB.json()) as AccessBody;
    expect(a.reader.id).not.toBe(b.reader.id);
    expect([a.reason, b.reason, b.meter?.used]).toEqual(['metered', 'already_read', 1]);
  });

  it('accepts any of several site API keys, for rotation', async () => {
    const response = await callWorker(
      accessRequest({ article: { id: articleId() } }, { key: ROTATED_API_KEY }),
    );
    expect(response.status).toBe(200);
  });
});

describe('rules', () => {
  const ruled = withBindings({
    PAYWALL_CONFIG: {
      meter: { limit: 1 },
      rules: [
        { match: { path: '/free/**' }, access: 'free' },
        { match: { section: 'investigations' }, access: 'premium' },
        { match: { path: '/opinion/*', section: 'opinion' }, access: 'free' },
      ],
    },
  });

  it('always-free articles are granted without touching the meter', async () => {
    const [free, afterFree] = await readInOrder(ruled, ['free/2026/a', articleId()]);
    expect([free?.access, free?.reason, free?.meter]).toEqual(['granted', 'free_article', null]);
    expect(afterFree?.meter?.used).toBe(1); // the free read did not count
  });

  it('subscriber-only articles are denied to readers without an entitlement', async () => {
    const response = await ruled(
      accessRequest({
        article: { id: articleId(), section: 'investigations', url: 'https://site.example/x' },
      }),
    );
    const body = (await response.json()) as AccessBody;
    expect([body.access, body.reason, body.meter]).toEqual(['denied', 'premium', null]);
  });

  it('matches paths on the article URL when one is given, and needs every condition of a rule', async () => {
    const hit = await ruled(
      accessRequest({
        article: { id: articleId(), url: 'https://site.example/opinion/x', section: 'opinion' },
      }),
    );
    const miss = await ruled(
      accessRequest({
        article: { id: articleId(), url: 'https://site.example/opinion/x', section: 'world' },
      }),
    );
    expect(((await hit.json()) as AccessBody).reason).toBe('free_article');
    expect(((await miss.json()) as AccessBody).reason).toBe('metered');
  });
});
