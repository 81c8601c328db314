import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  articleHasher,
  type CarriedMeter,
  decodeCarried,
  encodeCarried,
  MAX_LISTED,
  MAX_PENDING_BYTES,
  pendingFits,
  pendingRead,
} from '../../../src/meter/carried';
import { readCarried } from '../../../src/meter/carried-meter';
import type { Meter } from '../../../src/meter/meter';
import { createReaderIdSigner } from '../../../src/reader/reader-id';

// The meter state a reader id carries (src/meter/carried.ts): its encoding, its bound, and
// what readCarried answers without the Redis meter (a stub that records every call).

const secret = () => crypto.randomUUID() + crypto.randomUUID();
const articleHash = articleHasher(createReaderIdSigner(secret()).derive);
const MAX_ID = 400;

/** Article ids as the access API accepts them: 1–256 characters, no whitespace or controls. */
const articleIdArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 256 })
  .filter((s) => /^[^\s\p{Cc}]+$/u.test(s) && s.length <= 256);

const stateArb: fc.Arbitrary<CarriedMeter> = fc.record({
  config: fc.stringMatching(/^[A-Za-z0-9_-]{6}$/),
  period: fc.stringMatching(/^\d{6}$/),
  used: fc.integer({ min: 0, max: 1_000 }),
  exhausted: fc.boolean(),
  read: fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{8}$/), { maxLength: MAX_LISTED }),
  pending: fc.option(articleIdArb.filter(pendingFits), { nil: undefined }),
});

describe('the carried state', () => {
  test.prop([stateArb], { seed: 14002, numRuns: 500 })(
    'round-trips, and a reader id carrying it stays under 400 characters',
    async (state) => {
      const text = encodeCarried(state);
      expect(text).toMatch(/^[A-Za-z0-9_~-]+$/);
      expect(decodeCarried(text)).toEqual(state);
      const signer = createReaderIdSigner('fixed-secret-for-the-bound');
      const { id } = await signer.issue();
      const token = await signer.carrying(id, text);
      expect(token.length).toBeLessThanOrEqual(MAX_ID);
      expect(await signer.openId(token)).toEqual({ id, state: text });
    },
  );

  it('a first read longer than 150 bytes is not carried', () => {
    expect(pendingFits('a'.repeat(MAX_PENDING_BYTES))).toBe(true);
    expect(pendingFits('a'.repeat(MAX_PENDING_BYTES + 1))).toBe(false);
    expect(pendingFits('é'.repeat(76))).toBe(false); // 152 bytes
  });

  it('anything this version did not write decodes to nothing', () => {
    for (const text of [
      '',
      '2~abcdef~202611~1~o~~',
      '1~abcdef~202611~1~x~~',
      '1~abcde~202611~1~o~~',
      '1~abcdef~20261~1~o~~',
      `1~abcdef~202611~1~o~${'A'.repeat(7)}~`,
      `1~abcdef~202611~1~o~${'A'.repeat(8 * 13)}~`,
      `1~abcdef~202611~1~o~~${'A'.repeat(201)}`,
      '1~abcdef~202611~1~o~~_w', // not UTF-8
    ]) {
      expect(decodeCarried(text), text).toBeUndefined();
    }
  });

  it('a first read is recorded only in its own month', () => {
    const text = encodeCarried({
      config: 'abcdef',
      period: '202611',
      used: 1,
      exhausted: false,
      read: [],
      pending: 'story',
    });
    expect(pendingRead(text, new Date('2026-11-30T23:59:59Z'))).toBe('story');
    expect(pendingRead(text, new Date('2026-12-01T00:00:00Z'))).toBeUndefined();
  });

  it('a state signed for one id does not verify on another, and one changed character breaks it', async () => {
    const signer = createReaderIdSigner(secret());
    const a = await signer.issue();
    const b = await signer.issue();
    const state = encodeCarried({
      config: 'abcdef',
      period: '202611',
      used: 3,
      exhausted: true,
      read: [],
      pending: undefined,
    });
    const token = await signer.carrying(a.id, state);
    expect(await signer.verify(token)).toBe(a.id);
    expect(await signer.verify(`${b.id}${token.slice(22)}`)).toBeNull();
    expect(await signer.verify(token.replace('~e~', '~o~'))).toBeNull();
    // The stateless signature does not sign a state, nor the other way round.
    expect(await signer.verify(`${a.id}.${state}.${a.token.slice(23)}`)).toBeNull();
    expect(await signer.verify(`${a.id}.${token.slice(-43)}`)).toBeNull();
  });
});

describe('readCarried answers alone only what the state proves', () => {
  const now = new Date('2026-11-15T12:00:00Z');
  function stubMeter() {
    const calls: unknown[] = [];
    const meter: Pick<Meter, 'read'> = {
      async read(_subject, articleId, opts) {
        calls.push({ articleId, ...opts });
        return { ok: true, outcome: 'counted', used: 2, limit: 3, resetsAt: new Date(0) };
      },
    };
    return { meter, calls };
  }
  const base = {
    subject: 'r:x',
    consume: true,
    now,
    limit: 3,
    fingerprint: 'abcdef',
    hashArticle: articleHash,
  };
  const carried = async (state: Partial<CarriedMeter>) =>
    encodeCarried({
      config: 'abcdef',
      period: '202611',
      used: 1,
      exhausted: false,
      read: [],
      pending: undefined,
      ...state,
    });

  it('a new id: counted with no call, the article carried as the first read', async () => {
    const { meter, calls } = stubMeter();
    const out = await readCarried(meter, {
      ...base,
      articleId: 'a',
      fresh: true,
      carried: undefined,
    });
    expect(out.result).toMatchObject({ ok: true, outcome: 'counted', used: 1 });
    expect(calls).toEqual([]);
    expect(decodeCarried(out.carried)).toMatchObject({
      pending: 'a',
      used: 1,
      read: [await articleHash('a')],
    });
  });

  it('a new id peeking: available, no call and nothing carried', async () => {
    const { meter, calls } = stubMeter();
    const out = await readCarried(meter, {
      ...base,
      consume: false,
      articleId: 'a',
      fresh: true,
      carried: undefined,
    });
    expect(out).toMatchObject({ result: { outcome: 'available', used: 0 }, carried: undefined });
    expect(calls).toEqual([]);
  });

  it('an id that is not new never gets a read without the meter, whatever it carries', async () => {
    const { meter, calls } = stubMeter();
    for (const state of [
      undefined,
      await carried({}),
      await carried({ period: '202610', exhausted: true, used: 3 }),
    ]) {
      await readCarried(meter, { ...base, articleId: 'b', fresh: false, carried: state });
    }
    expect(calls).toHaveLength(3);
  });

  it('a listed re-read and a walled new article: no call; under another configuration: the meter', async () => {
    const { meter, calls } = stubMeter();
    const walled = await carried({ used: 3, exhausted: true, read: [await articleHash('a')] });
    const reread = await readCarried(meter, {
      ...base,
      articleId: 'a',
      fresh: false,
      carried: walled,
    });
    const refused = await readCarried(meter, {
      ...base,
      articleId: 'z',
      fresh: false,
      carried: walled,
    });
    expect([reread.result, refused.result]).toMatchObject([
      { outcome: 'already_read' },
      { outcome: 'exhausted' },
    ]);
    expect(calls).toEqual([]);
    await readCarried(meter, {
      ...base,
      fingerprint: 'ghijkl',
      articleId: 'z',
      fresh: false,
      carried: walled,
    });
    await readCarried(meter, { ...base, limit: 4, articleId: 'z', fresh: false, carried: walled });
    expect(calls).toHaveLength(2);
  });

  it('a carried first read goes to the meter with the next read, in its own month only', async () => {
    const { meter, calls } = stubMeter();
    const first = await carried({ pending: 'a', read: [await articleHash('a')] });
    const out = await readCarried(meter, { ...base, articleId: 'b', fresh: false, carried: first });
    expect(calls).toMatchObject([
      { articleId: 'b', pending: 'a', members: { without: 1, with: 2 } },
    ]);
    expect(decodeCarried(out.carried)?.pending).toBeUndefined();
    await readCarried(meter, {
      ...base,
      now: new Date('2026-12-02T00:00:00Z'),
      articleId: 'c',
      fresh: false,
      carried: first,
    });
    expect(calls[1]).toMatchObject({ articleId: 'c', pending: undefined });
  });

  it('onMeterFailure closed: only refusals are answered alone; grants go to the meter', async () => {
    const { meter, calls } = stubMeter();
    const walled = await carried({ used: 3, exhausted: true, read: [await articleHash('a')] });
    const strict = { ...base, grantsFromRedisOnly: true };
    const refused = await readCarried(meter, {
      ...strict,
      articleId: 'z',
      fresh: false,
      carried: walled,
    });
    expect(refused.result).toMatchObject({ outcome: 'exhausted' });
    expect(calls).toEqual([]);
    await readCarried(meter, { ...strict, articleId: 'a', fresh: false, carried: walled });
    await readCarried(meter, { ...strict, articleId: 'b', fresh: true, carried: undefined });
    expect(calls).toHaveLength(2);
  });

  it('the hash is keyed: another secret lists another entry for the same article', async () => {
    const other = articleHasher(createReaderIdSigner(secret()).derive);
    expect(await articleHash('2026/11/a')).toHaveLength(8);
    expect(await articleHash('2026/11/a')).not.toBe(await other('2026/11/a'));
    expect(await articleHash('2026/11/a')).not.toBe(await articleHash('2026/11/a '));
  });

  it('the meter failing keeps the state as it was, first read included', async () => {
    const meter: Pick<Meter, 'read'> = { read: async () => ({ ok: false, failure: 'timeout' }) };
    const first = await carried({ pending: 'a', read: [await articleHash('a')] });
    const out = await readCarried(meter, { ...base, articleId: 'b', fresh: false, carried: first });
    expect(out).toEqual({ result: { ok: false, failure: 'timeout' }, carried: first });
  });
});
