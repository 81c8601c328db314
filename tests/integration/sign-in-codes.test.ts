import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/encoding';
import {
  CODE_PATTERN,
  createSignInCodes,
  normalizeCode,
  randomCode,
} from '../../src/identity/codes';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';

// Sign-in codes against real Redis through the worker's own client, on both of
// upstash-local's backends (the scripts must run on the embedded Lua too). Every test has its
// own key prefix, address key and browser nonces.

const randomId = () => toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
/** A different 6-digit code: `code` shifted by `k` (1..999_999), leading zeros kept. */
const otherCode = (code: string, k: number) =>
  String((Number(code) + k) % 1_000_000).padStart(6, '0');

const backends = [
  ['the default Redis', () => env.UPSTASH_REDIS_REST_URL],
  ['the embedded Redis', () => env.TEST_UPSTASH_MEMORY_URL],
] as const;

describe.each(backends)('sign-in codes on %s', (_, url) => {
  const redis = () =>
    createRedisClient({ url: url(), token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 5_000 });
  const setup = (opts: { ttlMs?: number; maxAttempts?: number } = {}) => {
    const keys = createKeys(`${env.REDIS_KEY_PREFIX}codes-${randomId()}:`);
    const codes = createSignInCodes({
      redis: redis(),
      keys,
      secret: `secret-${randomId()}`,
      timeoutMs: 5_000,
      ...opts,
    });
    return { keys, codes, address: randomId(), nonce: randomId() };
  };

  it('issues six digits; the right code is accepted once, then there is no live code', async () => {
    const { codes, address, nonce } = setup();
    const code = await codes.issue(address, nonce);
    expect(code).toMatch(CODE_PATTERN);
    expect(await codes.verify(address, nonce, code)).toEqual({ ok: true });
    expect(await codes.verify(address, nonce, code)).toEqual({ ok: false, reason: 'expired' });
  });

  it('never asked: expired; a code for one address does not open another', async () => {
    const { codes, address, nonce } = setup();
    expect(await codes.verify(address, nonce, '123456')).toEqual({ ok: false, reason: 'expired' });
    const code = await codes.issue(address, nonce);
    expect(await codes.verify(randomId(), nonce, code)).toEqual({ ok: false, reason: 'expired' });
    expect(await codes.verify(address, nonce, code)).toEqual({ ok: true });
  });

  it('four wrong codes leave 4, 3, 2, 1 attempts; the fifth locks; then even the right code is locked', async () => {
    const { codes, address, nonce } = setup();
    const code = await codes.issue(address, nonce);
    const answers = [];
    for (let k = 1; k <= 5; k++)
      answers.push(await codes.verify(address, nonce, otherCode(code, k)));
    expect(answers).toEqual([
      { ok: false, reason: 'wrong', attemptsLeft: 4 },
      { ok: false, reason: 'wrong', attemptsLeft: 3 },
      { ok: false, reason: 'wrong', attemptsLeft: 2 },
      { ok: false, reason: 'wrong', attemptsLeft: 1 },
      { ok: false, reason: 'locked' },
    ]);
    expect(await codes.verify(address, nonce, code)).toEqual({ ok: false, reason: 'locked' });
    expect(await codes.verify(address, nonce, code)).toEqual({ ok: false, reason: 'locked' });
  });

  it('the right code on the last attempt still signs in', async () => {
    const { codes, address, nonce } = setup();
    const code = await codes.issue(address, nonce);
    for (let k = 1; k <= 4; k++) await codes.verify(address, nonce, otherCode(code, k));
    expect(await codes.verify(address, nonce, code)).toEqual({ ok: true });
  });

  it('maxAttempts is honoured', async () => {
    const { codes, address, nonce } = setup({ maxAttempts: 2 });
    const code = await codes.issue(address, nonce);
    expect(await codes.verify(address, nonce, otherCode(code, 1))).toEqual({
      ok: false,
      reason: 'wrong',
      attemptsLeft: 1,
    });
    expect(await codes.verify(address, nonce, otherCode(code, 2))).toEqual({
      ok: false,
      reason: 'locked',
    });
  });

  it('junk spends an attempt (no free probing) and never signs in', async () => {
    const { codes, address, nonce } = setup();
    const code = await codes.issue(address, nonce);
    expect(await codes.verify(address, nonce, 'abcdef')).toEqual({
      ok: false,
      reason: 'wrong',
      attemptsLeft: 4,
    });
    expect(await codes.verify(address, nonce, code.slice(0, 5))).toEqual({
      ok: false,
      reason: 'wrong',
      attemptsLeft: 3,
    });
    expect(await codes.verify(address, nonce, `${code}0`)).toEqual({
      ok: false,
      reason: 'wrong',
      attemptsLeft: 2,
    });
    expect(await codes.verify(address, nonce, '')).toEqual({
      ok: false,
      reason: 'wrong',
      attemptsLeft: 1,
    });
  });

  it('the right code as a reader types it (grouped, full-width) is accepted', async () => {
    const { codes, address, nonce } = setup();
    const code = await codes.issue(address, nonce);
    const fullWidth = [...code].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
    expect(
      await codes.verify(address, nonce, ` ${fullWidth.slice(0, 3)} ${fullWidth.slice(3)} `),
    ).toEqual({ ok: true });
    const again = await codes.issue(address, nonce);
    expect(await codes.verify(address, nonce, `${again.slice(0, 3)}-${again.slice(3)}`)).toEqual({
      ok: true,
    });
  });

  it('a newer code: the old code is wrong from the new browser, and the old browser is told it was replaced (free)', async () => {
    const { codes, address } = setup();
    const [oldNonce, newNonce] = [randomId(), randomId()];
    const oldCode = await codes.issue(address, oldNonce);
    let newCode = await codes.issue(address, newNonce);
    // One chance in a million that both draws are equal; then the "old" code is the new one.
    while (newCode === oldCode) newCode = await codes.issue(address, newNonce);
    expect(await codes.verify(address, newNonce, oldCode)).toEqual({
      ok: false,
      reason: 'wrong',
      attemptsLeft: 4,
    });
    // Any number of checks from the old browser, with either code, spend nothing.
    for (const candidate of [oldCode, newCode, oldCode, 'junk', oldCode, newCode]) {
      expect(await codes.verify(address, oldNonce, candidate)).toEqual({
        ok: false,
        reason: 'replaced',
      });
    }
    expect(await codes.verify(address, newNonce, otherCode(newCode, 1))).toEqual({
      ok: false,
      reason: 'wrong',
      attemptsLeft: 3,
    });
    expect(await codes.verify(address, newNonce, newCode)).toEqual({ ok: true });
  });

  it('a new code from the same browser resets the attempts and retires the old code', async () => {
    const { codes, address, nonce } = setup();
    const first = await codes.issue(address, nonce);
    for (let k = 1; k <= 5; k++) await codes.verify(address, nonce, otherCode(first, k));
    expect(await codes.verify(address, nonce, first)).toEqual({ ok: false, reason: 'locked' });
    let second = await codes.issue(address, nonce);
    while (second === first) second = await codes.issue(address, nonce);
    expect(await codes.verify(address, nonce, first)).toEqual({
      ok: false,
      reason: 'wrong',
      attemptsLeft: 4,
    });
    expect(await codes.verify(address, nonce, second)).toEqual({ ok: true });
  });

  it('concurrent checks: wrong guesses share no attempt, and a right code is used exactly once', async () => {
    const { codes, address, nonce } = setup();
    const code = await codes.issue(address, nonce);
    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, k) => codes.verify(address, nonce, otherCode(code, k + 1))),
    );
    const left = guesses.flatMap((g) => (!g.ok && g.reason === 'wrong' ? [g.attemptsLeft] : []));
    expect(left.sort()).toEqual([1, 2, 3, 4]);
    expect(guesses.filter((g) => !g.ok && g.reason === 'locked')).toHaveLength(6);

    const again = await codes.issue(address, nonce);
    const checks = await Promise.all(
      Array.from({ length: 6 }, () => codes.verify(address, nonce, again)),
    );
    expect(checks.filter((c) => c.ok)).toHaveLength(1);
    expect(checks.filter((c) => !c.ok && c.reason === 'expired')).toHaveLength(5);
  });

  it('stores a hash: neither the code, the address key nor the nonce, and lives 10 minutes', async () => {
    const { codes, keys, address, nonce } = setup();
    const code = await codes.issue(address, nonce);
    const key = keys.signInCode(address);
    // Without automatic deserialisation HGETALL is the flat [field, value, …] reply.
    const flat = (await redis().hgetall(key)) as unknown as string[];
    const stored = Object.fromEntries(
      Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], String(flat[2 * i + 1])]),
    );
    expect(Object.keys(stored).sort()).toEqual(['a', 'h', 't']);
    expect(stored.a).toBe('0');
    const raw = JSON.stringify(stored);
    expect(raw).not.toContain(code);
    expect(raw).not.toContain(address);
    expect(raw).not.toContain(nonce);
    const ttl = await redis().pttl(key);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('a wrong attempt does not extend the code', async () => {
    const { codes, keys, address, nonce } = setup();
    const code = await codes.issue(address, nonce);
    const key = keys.signInCode(address);
    // As if five minutes had passed.
    await redis().pexpire(key, 300_000);
    await codes.verify(address, nonce, otherCode(code, 1));
    const ttl = await redis().pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });

  it('an expired code is expired', async () => {
    const { codes, keys, address, nonce } = setup({ ttlMs: 50 });
    const code = await codes.issue(address, nonce);
    const key = keys.signInCode(address);
    // Poll Redis (each poll is a round trip) until the key is gone; bounded.
    const giveUpAt = Date.now() + 15_000;
    let polls = 0;
    while ((await redis().exists(key)) === 1) {
      polls++;
      if (Date.now() > giveUpAt || polls > 10_000) throw new Error('the code never expired');
    }
    expect(await codes.verify(address, nonce, code)).toEqual({ ok: false, reason: 'expired' });
  });

  it('property: codes are always six digits, and every other six-digit code is refused', async () => {
    for (let i = 0; i < 20_000; i++) expect(randomCode()).toMatch(CODE_PATTERN);

    const { codes, address, nonce } = setup({ maxAttempts: 1_000 });
    for (let round = 0; round < 5; round++) {
      const code = await codes.issue(address, nonce);
      expect(code).toMatch(CODE_PATTERN);
      // Near misses (one digit changed, neighbours, digits swapped) and random others.
      const near = [
        ...[...code].map((d, i) => code.slice(0, i) + ((Number(d) + 1) % 10) + code.slice(i + 1)),
        otherCode(code, 1),
        otherCode(code, 999_999),
        code.slice(1) + code[0],
        [...code].reverse().join(''),
      ];
      const random = Array.from({ length: 20 }, () => randomCode());
      for (const candidate of [...near, ...random]) {
        if (candidate === code) continue;
        const answer = await codes.verify(address, nonce, candidate);
        expect(answer, candidate).toMatchObject({ ok: false, reason: 'wrong' });
      }
      expect(await codes.verify(address, nonce, code)).toEqual({ ok: true });
    }
  });

  it('a random code per issue: 50 codes are not all the same', async () => {
    const { codes, address, nonce } = setup();
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(await codes.issue(address, nonce));
    expect(seen.size).toBeGreaterThan(40);
  });
});

describe.each([
  ['unreachable (connection refused)', () => env.TEST_CLOSED_URL],
  ['hanging (accepts, never answers)', () => env.TEST_HANGING_URL],
])('sign-in codes with Redis %s', (_, url) => {
  const codes = () =>
    createSignInCodes({
      redis: createRedisClient({ url: url(), token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 300 }),
      keys: createKeys(`${env.REDIS_KEY_PREFIX}codes-${randomId()}:`),
      secret: `secret-${randomId()}`,
      timeoutMs: 300,
    });

  it('issue throws', async () => {
    await expect(codes().issue(randomId(), randomId())).rejects.toThrow();
  });

  it('verify throws (never ok)', async () => {
    await expect(codes().verify(randomId(), randomId(), '123456')).rejects.toThrow();
    await expect(codes().verify(randomId(), randomId(), 'junk')).rejects.toThrow();
  });
});

describe('normalizeCode', () => {
  const digits = (code: string, zero: number) =>
    [...code].map((d) => String.fromCodePoint(zero + Number(d))).join('');

  it('accepts a code as readers type or paste it, and keeps leading zeros', () => {
    const spellings: [string, string][] = [
      ['012345', '012345'],
      ['000000', '000000'],
      [' 123 456 ', '123456'],
      ['123-456', '123456'],
      ['123\u2011456', '123456'], // non-breaking hyphen
      ['123\u00a0456', '123456'], // no-break space
      ['123.456', '123456'],
      ['1 2 3 4 5 6', '123456'],
      ['\t123456\n', '123456'],
      ['１２３　４５６', '123456'], // full-width digits and ideographic space
      ['１２３ー４５６', '123456'], // katakana prolonged sound mark as a dash
      [digits('987654', 0x660), '987654'], // Arabic-Indic
      [digits('987654', 0x6f0), '987654'], // Extended Arabic-Indic
      [digits('907654', 0x966), '907654'], // Devanagari
      [digits('135790', 0x1d7ce), '135790'], // mathematical bold
      [digits('135790', 0x1d7f6), '135790'], // mathematical monospace (the fifth run of a block)
    ];
    for (const [input, code] of spellings) expect(normalizeCode(input), input).toBe(code);
  });

  it('refuses anything that is not six digits', () => {
    const junk = [
      '',
      '12345',
      '1234567',
      '12345a',
      'abcdef',
      '123_456',
      '123/456',
      '+12345',
      '12345.',
      '١٢٣٤٥',
      '１２３４５６７',
      '1e5000',
      '123456\u0000',
      '½23456',
      `${' '.repeat(60)}123456`,
    ];
    for (const input of junk) {
      const result = normalizeCode(input);
      // '12345.' has five digits; '1e5000' has letters: each must be null.
      expect(result, JSON.stringify(input)).toBeNull();
    }
  });

  it('property: every six-digit code survives any separators and digit scripts; other digit counts never pass', () => {
    const zeros = [0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0x1d7ce];
    const separators = ['', ' ', '-', '\u2013', '.', '\u3000', '\u00a0'];
    const pick = <T>(list: readonly T[]) =>
      list[(crypto.getRandomValues(new Uint32Array(1))[0] as number) % list.length] as T;
    for (let i = 0; i < 2_000; i++) {
      const code = randomCode();
      const length = 1 + (i % 9); // 1..9 digits
      const candidate = length === 6 ? code : randomCode().repeat(2).slice(0, length);
      let spelled = '';
      for (const d of candidate) spelled += pick(separators) + digits(d, pick(zeros));
      expect(normalizeCode(spelled), JSON.stringify(spelled)).toBe(length === 6 ? candidate : null);
    }
  });
});
