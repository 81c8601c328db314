import { env } from 'cloudflare:workers';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  decideWithToken,
  genuineClaims,
  ISSUER,
  mintViaService,
  seedSubscriber,
  signingKeys,
  testStore,
} from '../support/entitlements';
import { type AccessBody, articleId, BASE, callWorker, readInOrder } from '../support/worker';

const nowS = () => Math.floor(Date.now() / 1000);

describe('GET /.well-known/jwks.json', () => {
  it('publishes every current public key as OKP/Ed25519 with kid, alg and use, and no private part', async () => {
    const response = await callWorker(new Request(`${BASE}/.well-known/jwks.json`));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/public, max-age=300/);
    const text = await response.text();
    const jwks = JSON.parse(text) as { keys: Record<string, string>[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(signingKeys().map((k) => k.kid));
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
    for (const key of signingKeys()) expect(text).not.toContain(key.d);
  });
});

describe('a subscriber', () => {
  it('linked by userId gets a fresh token; the token alone then grants with zero further lookups', async () => {
    const { record, userId } = await seedSubscriber();
    const linked = await mintViaService(callWorker, userId);
    expect([linked.access, linked.reason]).toEqual(['granted', 'subscriber']);
    expect(linked.entitlement).toMatchObject({
      subscriberId: record.subscriberId,
      kind: 'subscription',
      plan: 'monthly',
      status: 'active',
    });
    const token = linked.entitlement?.token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({
      alg: 'EdDSA',
      typ: 'entitlement+jwt',
      kid: signingKeys()[0]?.kid,
    });

    const again = (await (await decideWithToken(callWorker, token)).json()) as AccessBody;
    expect([again.reason, again.meter, again.entitlement?.token]).toEqual([
      'subscriber',
      null,
      null,
    ]);
    expect(again.entitlement?.subscriberId).toBe(record.subscriberId);
  });

  it('premium articles are granted to subscribers', async () => {
    const { userId } = await seedSubscriber();
    const token = (await mintViaService(callWorker, userId)).entitlement?.token as string;
    const { withBindings } = await import('../support/worker');
    const premiumSite = withBindings({
      PAYWALL_CONFIG: { rules: [{ match: { path: '/**' }, access: 'premium' }] },
    });
    const body = (await (await decideWithToken(premiumSite, token)).json()) as AccessBody;
    expect([body.access, body.reason]).toEqual(['granted', 'subscriber']);
  });

  it("the service's token verifies with a plain jose script that knows only the JWKS URL", async () => {
    const { userId, record } = await seedSubscriber();
    const token = (await mintViaService(callWorker, userId)).entitlement?.token as string;
    let jwksFetches = 0;
    const jwks = createRemoteJWKSet(new URL(`${BASE}/.well-known/jwks.json`), {
      [customFetch]: (url: string, options: RequestInit) => {
        jwksFetches += 1;
        return callWorker(new Request(url, options));
      },
    });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: ISSUER(),
      audience: AUDIENCE(),
      typ: 'entitlement+jwt',
      algorithms: ['EdDSA'],
    });
    expect(jwksFetches).toBe(1);
    expect(protectedHeader.kid).toBe(signingKeys()[0]?.kid);
    expect(payload).toMatchObject({
      sub: record.subscriberId,
      ent: { kind: 'subscription', plan: 'monthly' },
    });
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(JSON.stringify(payload)).not.toContain(userId); // pseudonymous: no site id, no email
  });
});

describe('rotation', () => {
  it('a token from a key that is published but no longer signing stays valid', async () => {
    const second = signingKeys()[1];
    if (!second) throw new Error('the tests configure two keys');
    const { record } = await seedSubscriber();
    const { signWith } = await import('../support/entitlements');
    const token = await signWith(second, genuineClaims(record.subscriberId));
    const body = (await (await decideWithToken(callWorker, token)).json()) as AccessBody;
    expect(body.reason).toBe('subscriber');
  });
});

describe('refresh and revocation through the record', () => {
  it('an expired token inside the refresh horizon is refreshed; after cancellation it is refused and cleared', async () => {
    const { record } = await seedSubscriber();
    const { signWith } = await import('../support/entitlements');
    const key = signingKeys()[0];
    if (!key) throw new Error('no key');
    const iat = nowS() - 3_600;
    const expired = await signWith(
      key,
      genuineClaims(record.subscriberId, { iat, exp: iat + 900 }),
    );

    const refreshed = (await (await decideWithToken(callWorker, expired)).json()) as AccessBody;
    expect([refreshed.access, refreshed.reason, refreshed.reader.clearToken]).toEqual([
      'granted',
      'subscriber',
      false,
    ]);
    const fresh = refreshed.entitlement?.token as string;
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(expired);

    // Stripe says cancelled: the record changes, and the next refresh is refused.
    await testStore().upsert({ ...record, status: 'canceled', updatedAt: Date.now() });
    const revoked = (await (await decideWithToken(callWorker, expired)).json()) as AccessBody;
    expect(revoked.reason).not.toBe('subscriber');
    expect([revoked.entitlement, revoked.reader.clearToken]).toEqual([null, true]);
    expect(revoked.reason).toBe('metered'); // back on the meter

    // A still-valid token keeps working until it expires: revocation is bounded by its lifetime.
    const stillValid = (await (await decideWithToken(callWorker, fresh)).json()) as AccessBody;
    expect(stillValid.reason).toBe('subscriber');
  });

  it('past_due keeps access during the grace period and loses it after', async () => {
    const { signWith } = await import('../support/entitlements');
    const key = signingKeys()[0];
    if (!key) throw new Error('no key');
    const iat = nowS() - 3_600;
    const inGrace = await seedSubscriber({ status: 'past_due', pastDueSince: nowS() - 2 * 86_400 });
    const overGrace = await seedSubscriber({
      status: 'past_due',
      pastDueSince: nowS() - 4 * 86_400,
    });
    const expiredFor = (sub: string) => signWith(key, genuineClaims(sub, { iat, exp: iat + 900 }));

    const a = (await (
      await decideWithToken(callWorker, await expiredFor(inGrace.record.subscriberId))
    ).json()) as AccessBody;
    const b = (await (
      await decideWithToken(callWorker, await expiredFor(overGrace.record.subscriberId))
    ).json()) as AccessBody;
    expect([a.reason, a.entitlement?.status]).toEqual(['subscriber', 'past_due']);
    expect([b.reason, b.reader.clearToken]).toEqual(['metered', true]);
  });

  it('an expired token beyond the refresh horizon is refused even for an active subscriber', async () => {
    const { record } = await seedSubscriber();
    const { signWith } = await import('../support/entitlements');
    const key = signingKeys()[0];
    if (!key) throw new Error('no key');
    const iat = nowS() - 31 * 86_400;
    const ancient = await signWith(
      key,
      genuineClaims(record.subscriberId, { iat, exp: iat + 900 }),
    );
    const body = (await (await decideWithToken(callWorker, ancient)).json()) as AccessBody;
    expect([body.reason, body.reader.clearToken]).toEqual(['metered', true]);
  });

  it('when Redis is down, an expired token neither grants as subscriber nor is cleared', async () => {
    const { record } = await seedSubscriber();
    const { signWith } = await import('../support/entitlements');
    const { withBindings } = await import('../support/worker');
    const key = signingKeys()[0];
    if (!key) throw new Error('no key');
    const iat = nowS() - 3_600;
    const expired = await signWith(
      key,
      genuineClaims(record.subscriberId, { iat, exp: iat + 900 }),
    );
    const down = withBindings({ UPSTASH_REDIS_REST_URL: env.TEST_CLOSED_URL });
    // A reader who has read before: a new reader's first read needs no Redis at all
    // (src/meter/carried.ts), so only a returning one shows the meter's outage.
    const returning = (await readInOrder(callWorker, [articleId()])).at(-1)?.reader.id;
    const body = (await (
      await decideWithToken(down, expired, { id: returning })
    ).json()) as AccessBody;
    expect([body.access, body.reason, body.reader.clearToken]).toEqual([
      'granted',
      'degraded',
      false,
    ]);

    // A valid token needs no Redis at all: unaffected by the outage.
    const valid = await signWith(key, genuineClaims(record.subscriberId));
    const ok = (await (await decideWithToken(down, valid)).json()) as AccessBody;
    expect(ok.reason).toBe('subscriber');
  });
});

describe('zero Redis commands per subscriber decision, counted at Redis', () => {
  it.skipIf(!env.TEST_MONITOR_URL)(
    '20 subscriber decisions send nothing; one anonymous read sends one EVALSHA',
    async () => {
      const { withBindings } = await import('../support/worker');
      const prefix = `pwzero-${crypto.randomUUID().slice(0, 8)}:`;
      const worker = withBindings({ REDIS_KEY_PREFIX: prefix });
      const { userId } = await seedSubscriber({}, prefix);
      const token = (await mintViaService(worker, userId)).entitlement?.token as string;
      expect(token).toBeTruthy();
      // An anonymous reader's first two reads: the first is carried in its id (no Redis,
      // src/meter/carried.ts), the second starts its window in Redis (and loads the script).
      const first = (
        await readInOrder(worker, [`zero-${crypto.randomUUID()}`, `zero-${crypto.randomUUID()}`])
      ).at(-1);

      const watch = (await (
        await fetch(`${env.TEST_MONITOR_URL}/watch?prefix=${prefix}`, { method: 'POST' })
      ).json()) as { id: string };
      const seen = async () =>
        (
          (await (await fetch(`${env.TEST_MONITOR_URL}/watch/${watch.id}`)).json()) as {
            commands: { args: string[]; lua: boolean }[];
          }
        ).commands;

      for (let i = 0; i < 20; i++) {
        const body = (await (await decideWithToken(worker, token)).json()) as AccessBody;
        expect(body.reason).toBe('subscriber');
      }
      // MONITOR lines arrive asynchronously: the positive control below flushes them.
      const [second] = await readInOrder(worker, [`zero-${crypto.randomUUID()}`], first?.reader.id);
      expect(second?.reason).toBe('metered');
      await waitFor(async () => (await seen()).length > 0);
      const commands = await seen();

      const roundTrips = commands.filter((c) => !c.lua);
      expect(roundTrips.map((c) => c.args[0]?.toUpperCase())).toEqual(['EVALSHA']); // the anonymous read, only
      // EVALSHA + SCARD + SADD, and SMEMBERS: this third read reaches the limit, so the id
      // then lists the whole counted set.
      expect(commands.length).toBeLessThanOrEqual(4);
      await fetch(`${env.TEST_MONITOR_URL}/watch/${watch.id}`, { method: 'DELETE' });
    },
  );
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
