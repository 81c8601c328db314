import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { accessRequest, BASE, callWorker, withBindings } from '../support/worker';

describe('GET /_paywall/healthz', () => {
  it('reports liveness and that Redis answers', async () => {
    const response = await callWorker(new Request(`${BASE}/_paywall/healthz`));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      redis: { status: string; latencyMs: number };
    };
    expect(body.status).toBe('ok');
    expect(body.redis.status).toBe('ok');
    expect(body.redis.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('bad configuration', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'a meter limit of zero',
      { PAYWALL_CONFIG: { meter: { limit: 0 } } },
      'PAYWALL_CONFIG.meter.limit',
    ],
    ['a non-JSON PAYWALL_CONFIG', { PAYWALL_CONFIG: '{oops' }, 'PAYWALL_CONFIG'],
    ['an unknown config field', { PAYWALL_CONFIG: { meterr: {} } }, 'PAYWALL_CONFIG'],
    [
      'a rule with no condition',
      { PAYWALL_CONFIG: { rules: [{ match: {}, access: 'free' }] } },
      'PAYWALL_CONFIG.rules.0.match',
    ],
    ['a short reader secret', { READER_ID_SECRET: 'short' }, 'READER_ID_SECRET'],
    ['a missing Redis URL', { UPSTASH_REDIS_REST_URL: undefined }, 'UPSTASH_REDIS_REST_URL'],
    ['local-dev-key outside development', { SITE_API_KEYS: 'local-dev-key' }, 'SITE_API_KEYS'],
    ['a time limit of 0', { REDIS_TIMEOUT_MS: '0' }, 'REDIS_TIMEOUT_MS'],
  ];

  it.each(cases)(
    '%s answers 500 bad_configuration naming the field',
    async (_, overrides, field) => {
      const response = await withBindings(overrides)(accessRequest({ article: { id: 'a' } }));
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_configuration');
      expect(body.error.message).toContain(field);
      // Names fields, never values: secrets stay out of the wire.
      expect(body.error.message).not.toContain(env.READER_ID_SECRET);
      expect(body.error.message).not.toContain(env.UPSTASH_REDIS_REST_TOKEN);
    },
  );

  it('local-dev-key works in development', async () => {
    const dev = withBindings({ ENVIRONMENT: 'development', SITE_API_KEYS: 'local-dev-key' });
    const response = await dev(
      accessRequest({ article: { id: 'a-dev-article' } }, { key: 'local-dev-key' }),
    );
    expect(response.status).toBe(200);
  });
});
