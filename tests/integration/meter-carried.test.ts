import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARTICLES } from '../../tools/demo-origin/articles';
import { CookieJar, pageRequest } from '../support/browser-like';
import { readerKeysUnder } from '../support/redis-keys';
import {
  type AccessBody,
  accessRequest,
  articleId,
  type Bindings,
  readInOrder,
  withBindings,
} from '../support/worker';

// The meter carried in the signed reader id (src/meter/carried.ts, docs/architecture.md "The
// meter in the reader id"): what it costs at Redis, what it leaves there, and that no
// replayed, spliced or forged id is ever granted what the Redis-only meter would refuse.

const LIMIT = 3;
const MAX_ID_LENGTH = 400;
const rawIdOf = (id: string) => id.slice(0, 22);

/** A worker with its own key prefix, so the keys it leaves can be counted. */
function isolated(extra: Bindings = {}) {
  const prefix = `pwcarry-${crypto.randomUUID().slice(0, 8)}:`;
  return { prefix, worker: withBindings({ REDIS_KEY_PREFIX: prefix, ...extra }) };
}

async function ask(
  worker: (r: Request) => Promise<Response>,
  article: string,
  id?: string,
  consume = true,
): Promise<AccessBody> {
  const response = await worker(
    accessRequest({ article: { id: article }, reader: id ? { id } : {}, consume }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as AccessBody;
}

/** Every Redis command the worker sends under `prefix` while `act` runs (MONITOR). */
async function commandsDuring(
  prefix: string,
  act: () => Promise<void>,
  control: () => Promise<void>,
) {
  const watch = (await (
    await fetch(`${env.TEST_MONITOR_URL}/watch?prefix=${prefix}`, { method: 'POST' })
  ).json()) as { id: string };
  const seen = async () =>
    (
      (await (await fetch(`${env.TEST_MONITOR_URL}/watch/${watch.id}`)).json()) as {
        commands: { args: string[]; lua: boolean }[];
      }
    ).commands;
  try {
    await act();
    // MONITOR lines arrive asynchronously: the control's own commands (a known Redis read,
    // ending with a marker article) show when everything before them has arrived.
    await control();
    const until = Date.now() + 20_000;
    let commands = await seen();
    while (!commands.some((c) => c.args.includes(CONTROL_MARK)) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      commands = await seen();
    }
    const end = commands.findIndex((c) => c.args.includes(CONTROL_MARK));
    expect(end, 'the control read never reached Redis').toBeGreaterThanOrEqual(0);
    // Everything from the control's EVALSHA on is the control's.
    const controlStart = commands.slice(0, end + 1).findLastIndex((c) => !c.lua);
    return commands
      .slice(0, controlStart)
      .map((c) => (c.lua ? c.args[0]?.toLowerCase() : c.args[0]?.toUpperCase()));
  } finally {
    await fetch(`${env.TEST_MONITOR_URL}/watch/${watch.id}`, { method: 'DELETE' });
  }
}
const CONTROL_MARK = 'carried-control-mark';

describe('the meter in the reader id: what it costs at Redis', () => {
  it.skipIf(!env.TEST_MONITOR_URL)(
    'first read 0 commands; return 4 in one round trip; re-read 0; reaching the limit 3; walled 0',
    async () => {
      const { prefix, worker } = isolated();
      // A control reader with a Redis-held meter: its read ends every watch.
      const control = (await readInOrder(worker, [articleId(), articleId()])).at(-1)?.reader
        .id as string;
      const controlRead = async () => {
        expect((await ask(worker, CONTROL_MARK, control, false)).access).toBe('peek');
      };
      const [a, b, c, d] = [articleId(), articleId(), articleId(), articleId()];
      let id = '';
      const step = async (article: string) => {
        const body = await ask(worker, article, id || undefined);
        id = body.reader.id;
        return body;
      };
      const expectSteps: [string, () => Promise<void>, string[]][] = [
        ['first read', async () => void expect((await step(a)).reason).toBe('metered'), []],
        [
          'return',
          async () => void expect((await step(b)).reason).toBe('metered'),
          ['EVALSHA', 'exists', 'sadd', 'pexpireat'],
        ],
        ['re-read', async () => void expect((await step(a)).reason).toBe('already_read'), []],
        [
          'reaching the limit',
          async () => void expect((await step(c)).reason).toBe('metered'),
          ['EVALSHA', 'scard', 'sadd'],
        ],
        ['walled', async () => void expect((await step(d)).reason).toBe('meter_exhausted'), []],
        [
          're-read while walled',
          async () => void expect((await step(b)).reason).toBe('already_read'),
          [],
        ],
      ];
      for (const [name, act, expected] of expectSteps) {
        expect(await commandsDuring(prefix, act, controlRead), name).toEqual(expected);
      }
      expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    },
    120_000,
  );

  it.skipIf(!env.TEST_MONITOR_URL)(
    'a second tab replaying the first id: its read at the limit brings the whole set back, then re-reads cost 0',
    async () => {
      const { prefix, worker } = isolated();
      const control = (await readInOrder(worker, [articleId(), articleId()])).at(-1)?.reader
        .id as string;
      const controlRead = async () => {
        expect((await ask(worker, CONTROL_MARK, control, false)).access).toBe('peek');
      };
      const [a, b, c] = [articleId(), articleId(), articleId()];
      const first = (await ask(worker, a)).reader.id; // carried: tab 1 and tab 2 hold it
      await ask(worker, b, first); // tab 1
      let tab2 = '';
      expect(
        await commandsDuring(
          prefix,
          async () => {
            const body = await ask(worker, c, first);
            expect(body.reason).toBe('metered');
            tab2 = body.reader.id;
          },
          controlRead,
        ),
      ).toEqual(['EVALSHA', 'exists', 'sadd', 'scard', 'sadd', 'smembers']);
      // Tab 2's id now lists a, b and c (b was read in tab 1), and says walled.
      expect(
        await commandsDuring(
          prefix,
          async () => {
            expect((await ask(worker, b, tab2)).reason).toBe('already_read');
            expect((await ask(worker, articleId(), tab2)).reason).toBe('meter_exhausted');
          },
          controlRead,
        ),
      ).toEqual([]);
    },
    120_000,
  );

  it('with cookieState false, every read goes to Redis as before (and the id carries nothing)', async () => {
    const { prefix, worker } = isolated({ PAYWALL_CONFIG: { meter: { cookieState: false } } });
    const answers = await readInOrder(worker, [articleId()]);
    expect(answers[0]?.reader.id).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(await readerKeysUnder(prefix)).toHaveLength(1);
  });
});

describe('the meter in the reader id: what it leaves in Redis', () => {
  it('readers who never come back leave no key, through the access API and the proxy', async () => {
    const { prefix, worker } = isolated();
    for (let i = 0; i < 25; i++) expect((await ask(worker, articleId())).reason).toBe('metered');
    const article = ARTICLES.find((x) => x.section !== 'notices') as (typeof ARTICLES)[number];
    for (let i = 0; i < 25; i++) {
      const response = await worker(pageRequest(article.path, { jar: new CookieJar() }));
      expect(response.status).toBe(200);
      expect(response.headers.get('paywall-decision')).toBe('granted; reason=metered');
      await response.text();
    }
    expect(await readerKeysUnder(prefix)).toEqual([]);
    // The positive control: one reader who comes back leaves exactly one key.
    await readInOrder(worker, [articleId(), articleId()]);
    expect(await readerKeysUnder(prefix)).toHaveLength(1);
  });

  it('a browser through the proxy: the cookie carries the meter, and the wall holds after 3', async () => {
    const { prefix, worker } = isolated();
    const jar = new CookieJar();
    const articles = ARTICLES.filter((x) => x.section !== 'notices').slice(0, 5);
    const decisions: string[] = [];
    for (const article of [...articles, articles[0]]) {
      const response = await worker(
        pageRequest((article as (typeof ARTICLES)[number]).path, { jar }),
      );
      jar.take(response);
      decisions.push(response.headers.get('paywall-decision') ?? '');
      await response.text();
      expect((jar.get('__Host-paywall_rid') ?? '').length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    }
    expect(decisions).toEqual([
      'granted; reason=metered',
      'granted; reason=metered',
      'granted; reason=metered',
      'denied; reason=meter_exhausted',
      'denied; reason=meter_exhausted',
      'granted; reason=already_read',
    ]);
    expect(await readerKeysUnder(prefix)).toHaveLength(1);
  });
});

describe('the meter in the reader id: cached answers follow the configuration and the month', () => {
  it('raising the limit voids a walled id: the next article goes to Redis and is granted', async () => {
    const { prefix } = isolated();
    const at3 = withBindings({ REDIS_KEY_PREFIX: prefix });
    const at5 = withBindings({ REDIS_KEY_PREFIX: prefix, PAYWALL_CONFIG: { meter: { limit: 5 } } });
    const answers = await readInOrder(at3, [articleId(), articleId(), articleId(), articleId()]);
    expect(answers.map((x) => x.reason)).toEqual([
      'metered',
      'metered',
      'metered',
      'meter_exhausted',
    ]);
    const walled = answers.at(-1)?.reader.id as string;
    expect((await ask(at5, articleId(), walled)).reason).toBe('metered');
    // Lowering it again: the Redis count (4) is over 3, whatever the id says.
    expect((await ask(at3, articleId(), walled)).reason).toBe('meter_exhausted');
  });

  it('a rules change voids the cached answers too: the id goes back to Redis, which agrees', async () => {
    const { prefix, worker } = isolated();
    const ruled = withBindings({
      REDIS_KEY_PREFIX: prefix,
      PAYWALL_CONFIG: { rules: [{ match: { section: 'free-zone' }, access: 'free' }] },
    });
    const [a, b, c] = [articleId(), articleId(), articleId()];
    const answers = await readInOrder(worker, [a, b, c]);
    const id = answers.at(-1)?.reader.id as string;
    expect((await ask(ruled, articleId(), id)).reason).toBe('meter_exhausted');
    const reread = await ask(ruled, a, id);
    expect(reread.reason).toBe('already_read');
    // It went to Redis (the state was rewritten under the new fingerprint).
    expect(reread.reader.id.slice(23, 31)).not.toBe(id.slice(23, 31));
  });

  it('an id from before this change (no state) is a returning reader: Redis, never a free first read', async () => {
    const prefix = `pwcarry-${crypto.randomUUID().slice(0, 8)}:`;
    const off = withBindings({
      REDIS_KEY_PREFIX: prefix,
      PAYWALL_CONFIG: { meter: { cookieState: false } },
    });
    const on = withBindings({ REDIS_KEY_PREFIX: prefix });
    const answers = await readInOrder(off, [articleId(), articleId(), articleId()]);
    const stateless = answers.at(-1)?.reader.id as string;
    expect(stateless).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect((await ask(on, articleId(), stateless)).reason).toBe('meter_exhausted');
  });
});

describe('the meter in the reader id: no id grants what the Redis-only meter would refuse', () => {
  type Step =
    | { kind: 'latest'; reader: number; article: number }
    | { kind: 'replay'; reader: number; back: number; article: number }
    | { kind: 'splice'; reader: number; other: number; article: number }
    | { kind: 'flip'; reader: number; at: number; article: number }
    | { kind: 'new'; article: number }
    | { kind: 'peek'; reader: number; article: number };
  const article = fc.integer({ min: 0, max: 7 });
  const reader = fc.integer({ min: 0, max: 2 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('latest' as const), reader, article }),
    fc.record({ kind: fc.constant('replay' as const), reader, back: fc.nat({ max: 8 }), article }),
    fc.record({ kind: fc.constant('splice' as const), reader, other: reader, article }),
    fc.record({ kind: fc.constant('flip' as const), reader, at: fc.nat({ max: 400 }), article }),
    fc.record({ kind: fc.constant('new' as const), article }),
    fc.record({ kind: fc.constant('peek' as const), reader, article }),
  );

  it('random reads, replays, splices and forgeries agree with the Redis-only model, read for read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 18 }), async (steps) => {
        const { worker } = isolated();
        const run = crypto.randomUUID().slice(0, 6);
        const articles = Array.from({ length: 8 }, (_, i) => `carry-${run}-${i}`);
        const counted = new Map<string, Set<string>>(); // the Redis-only model, by raw id
        const history: string[][] = [[], [], []]; // every id each reader was handed
        for (const s of steps) {
          const target = articles[s.article] as string;
          const ids = 'reader' in s ? (history[s.reader] as string[]) : [];
          let sent: string | undefined = ids.at(-1);
          if (s.kind === 'new') sent = undefined;
          if (s.kind === 'replay') sent = ids[Math.max(0, ids.length - 1 - s.back)];
          if (s.kind === 'splice' && sent) {
            const other = history[s.other]?.at(-1);
            if (other) sent = `${rawIdOf(sent)}${other.slice(22)}`;
          }
          if (s.kind === 'flip' && sent) {
            const i = s.at % sent.length;
            const c = sent[i] === 'A' ? 'B' : 'A';
            sent = `${sent.slice(0, i)}${c}${sent.slice(i + 1)}`;
          }
          const body = await ask(worker, target, sent, s.kind !== 'peek');
          expect(body.reader.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
          const raw = rawIdOf(body.reader.id);
          const set = counted.get(raw) ?? new Set<string>();
          counted.set(raw, set);
          const modelGrants = set.has(target) || set.size < LIMIT;
          const modelReason = set.has(target)
            ? 'already_read'
            : set.size < LIMIT
              ? 'metered'
              : 'meter_exhausted';
          if (s.kind === 'peek') {
            expect(body.access).toBe('peek');
            expect(body).toMatchObject({
              wouldBe: modelGrants ? 'granted' : 'denied',
              reason: modelReason,
            });
          } else {
            expect([body.access, body.reason], JSON.stringify(s)).toEqual([
              modelGrants ? 'granted' : 'denied',
              modelReason,
            ]);
            if (modelGrants) set.add(target);
          }
          if ('reader' in s) (history[s.reader] as string[]).push(body.reader.id);
        }
      }),
      { seed: 14001, numRuns: 40 },
    );
  }, 240_000);

  it('100 concurrent requests from one id that carries a first read grant exactly 3 distinct articles', async () => {
    const { worker } = isolated();
    const first = await ask(worker, articleId());
    const id = first.reader.id;
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => ask(worker, articleId(), id)),
    );
    expect(answers.filter((x) => x.access === 'granted')).toHaveLength(LIMIT - 1);
    expect(answers.filter((x) => x.reason === 'meter_exhausted')).toHaveLength(100 - (LIMIT - 1));
  });
});
