import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MailError } from '../../src/mail/mailer';
import {
  createOutboxMailer,
  OUTBOX_MAX_MESSAGES,
  OUTBOX_TTL_MS,
  type OutboxMessage,
} from '../../src/mail/outbox';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';

// The development outbox against real Redis (and the embedded backend): what it keeps, in
// which order, how many, for how long, and how it fails when Redis does not answer. Each test
// has its own key prefix, so its list is its own.

const T0 = Date.parse('2026-11-30T12:00:00Z');

describe.each([
  ['the default Redis', () => env.UPSTASH_REDIS_REST_URL],
  ['the embedded Redis', () => env.TEST_UPSTASH_MEMORY_URL],
])('the outbox mailer on %s', (_, url) => {
  const setup = (clock: { now: number } = { now: T0 }) => {
    const redis = createRedisClient({
      url: url(),
      token: env.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: 5_000,
    });
    const keys = createKeys(`${env.REDIS_KEY_PREFIX}outbox-${crypto.randomUUID()}:`);
    const outbox = createOutboxMailer({ redis, keys, timeoutMs: 5_000, now: () => clock.now });
    return { redis, keys, outbox, clock };
  };
  const message = (n: number) => ({
    to: `reader-${n}@example.com`,
    subject: `${100000 + n} is your code for The Daily Example`,
    text: `Your code: ${100000 + n}\n`,
    html: `<p>Your code: <b>${100000 + n}</b></p>`,
  });

  it('keeps each message and lists them newest first, with an id and the time sent', async () => {
    const { outbox, clock } = setup();
    expect(outbox.kind).toBe('outbox');
    expect(await outbox.list()).toEqual([]);
    for (const n of [1, 2, 3]) {
      clock.now = T0 + n * 1_000;
      await outbox.send(message(n));
    }
    const listed = await outbox.list();
    expect(listed.map((m) => m.to)).toEqual([
      'reader-3@example.com',
      'reader-2@example.com',
      'reader-1@example.com',
    ]);
    expect(listed[0]).toEqual({
      ...message(3),
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sentAt: new Date(T0 + 3_000).toISOString(),
    } satisfies OutboxMessage);
    expect(new Set(listed.map((m) => m.id)).size).toBe(3);
  });

  it('keeps the list for 10 minutes after the last message (PEXPIRE)', async () => {
    const { outbox, redis, keys } = setup();
    await outbox.send(message(1));
    const ttl = await redis.pttl(keys.devOutbox());
    expect(ttl).toBeGreaterThan(OUTBOX_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(OUTBOX_TTL_MS);
  });

  it(`trims to the newest ${OUTBOX_MAX_MESSAGES}`, async () => {
    const { outbox, redis, keys } = setup();
    const total = OUTBOX_MAX_MESSAGES + 5;
    for (let n = 1; n <= total; n++) await outbox.send(message(n));
    expect(await redis.llen(keys.devOutbox())).toBe(OUTBOX_MAX_MESSAGES);
    const listed = await outbox.list();
    expect(listed).toHaveLength(OUTBOX_MAX_MESSAGES);
    expect(listed[0]?.to).toBe(`reader-${total}@example.com`);
    expect(listed.at(-1)?.to).toBe(`reader-${total - OUTBOX_MAX_MESSAGES + 1}@example.com`);
  }, 60_000);

  it('lists nothing older than 10 minutes, even while the list itself lives on', async () => {
    const { outbox, clock } = setup();
    await outbox.send(message(1));
    clock.now = T0 + 6 * 60_000;
    await outbox.send(message(2));
    clock.now = T0 + OUTBOX_TTL_MS; // the first is exactly 10 minutes old: still listed
    expect((await outbox.list()).map((m) => m.to)).toEqual([
      'reader-2@example.com',
      'reader-1@example.com',
    ]);
    clock.now = T0 + OUTBOX_TTL_MS + 1;
    expect((await outbox.list()).map((m) => m.to)).toEqual(['reader-2@example.com']);
    clock.now = T0 + 6 * 60_000 + OUTBOX_TTL_MS + 1;
    expect(await outbox.list()).toEqual([]);
  });

  it('skips an entry that is not one of its messages', async () => {
    const { outbox, redis, keys } = setup();
    await outbox.send(message(1));
    await redis.lpush(keys.devOutbox(), 'not json', JSON.stringify({ to: 'x' }));
    expect((await outbox.list()).map((m) => m.to)).toEqual(['reader-1@example.com']);
  });
});

describe('the outbox mailer when Redis does not answer', () => {
  const hanging = () =>
    createOutboxMailer({
      redis: createRedisClient({
        url: env.TEST_HANGING_URL,
        token: env.UPSTASH_REDIS_REST_TOKEN,
        timeoutMs: 150,
      }),
      keys: createKeys(`${env.REDIS_KEY_PREFIX}outbox-${crypto.randomUUID()}:`),
      timeoutMs: 150,
    });

  it('fails a send with a MailError that says Redis gave no answer, and nothing of the message', async () => {
    const error = await hanging()
      .send({
        to: 'hung-reader@example.com',
        subject: '246810 is your code',
        text: '246810',
        html: '<p>246810</p>',
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(MailError);
    const text = String((error as Error).message);
    expect(text).toMatch(/outbox: .*Redis gave no answer within 150 ms/);
    expect(text).not.toMatch(/hung-reader|246810/);
  });

  it('fails a list with a MailError that says Redis gave no answer', async () => {
    await expect(hanging().list()).rejects.toThrow(
      expect.objectContaining({
        name: 'MailError',
        message: expect.stringMatching(/Redis gave no answer within 150 ms/),
      }),
    );
  });

  it('says the same when the client’s own abort signal fires first', async () => {
    const aborting = createOutboxMailer({
      redis: createRedisClient({
        url: env.TEST_HANGING_URL,
        token: env.UPSTASH_REDIS_REST_TOKEN,
        timeoutMs: 50,
      }),
      keys: createKeys(`${env.REDIS_KEY_PREFIX}outbox-${crypto.randomUUID()}:`),
      timeoutMs: 5_000,
    });
    await expect(aborting.list()).rejects.toThrow(/Redis gave no answer within 5000 ms/);
  });

  it('fails with a MailError when Redis refuses connections', async () => {
    const closed = createOutboxMailer({
      redis: createRedisClient({
        url: env.TEST_CLOSED_URL,
        token: env.UPSTASH_REDIS_REST_TOKEN,
        timeoutMs: 2_000,
      }),
      keys: createKeys(`${env.REDIS_KEY_PREFIX}outbox-${crypto.randomUUID()}:`),
      timeoutMs: 2_000,
    });
    await expect(closed.list()).rejects.toBeInstanceOf(MailError);
  });
});
