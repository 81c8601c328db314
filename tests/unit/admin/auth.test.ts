import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import {
  base64url,
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_CHALLENGE,
  type AdminAuthResult,
  type AdminRefusal,
  type AdminRequest,
  adminRequestOf,
  authoriseAdmin,
  requireAdmin,
} from '../../../src/admin/auth';
import { createAccessKeySets } from '../../../src/admin/auth-access';
import { type AdminAuthSettings, adminAuthSettings } from '../../../src/admin/auth-config';
import { onError } from '../../../src/http/error-response';

const TEAM = 'example.cloudflareaccess.com';
const ISS = `https://${TEAM}`;
const AUD = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const KEY = 'admin-key-0123456789-abcdefghijklmnop';
const NOW = new Date('2026-12-01T10:00:00Z');
const nowSec = Math.floor(NOW.getTime() / 1000);

const settings = (env: Partial<Parameters<typeof adminAuthSettings>[0]>): AdminAuthSettings =>
  adminAuthSettings({ ENVIRONMENT: 'production', ...env });
const ACCESS_ONLY = settings({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD });
const KEY_ONLY = settings({ ADMIN_KEY: KEY });
const BOTH = settings({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ADMIN_KEY: KEY });
const NOTHING = settings({});
const NOTHING_DEV = settings({ ENVIRONMENT: 'development' });
const NOTHING_TEST = settings({ ENVIRONMENT: 'test' });

const basic = (userAndPassword: string) =>
  `Basic ${Buffer.from(userAndPassword, 'utf8').toString('base64')}`;
const request = (over: Partial<AdminRequest> = {}): AdminRequest => ({
  accessJwt: undefined,
  authorization: undefined,
  clientIp: '203.0.113.9',
  hostname: 'news.example',
  ...over,
});

/** The Access team's key pair, another one, and the key set as the worker would fetch it. */
let teamKeys: Awaited<ReturnType<typeof generateKeyPair>>;
let otherKeys: Awaited<ReturnType<typeof generateKeyPair>>;
let localSet: JWTVerifyGetKey;
/** Team domains whose key set was asked for a key (a fetch, in the worker), per test. */
let asked: string[];
const keySet =
  (teamDomain: string): JWTVerifyGetKey =>
  (header, token) => {
    asked.push(teamDomain);
    return localSet(header, token);
  };
const failingKeySet = (): JWTVerifyGetKey => async () => {
  throw new TypeError('fetch failed');
};

beforeAll(async () => {
  teamKeys = await generateKeyPair('RS256', { extractable: true });
  otherKeys = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(teamKeys.publicKey)), kid: 'team-1', alg: 'RS256' };
  localSet = createLocalJWKSet({ keys: [jwk] });
});

/** A token as Access mints it (claims from Cloudflare's docs), with `over` changing claims. */
async function accessToken(
  over: JWTPayload = {},
  { key = teamKeys.privateKey, kid = 'team-1' } = {},
): Promise<string> {
  return new SignJWT({
    aud: [AUD],
    email: 'editor@news.example',
    iss: ISS,
    iat: nowSec - 60,
    nbf: nowSec - 60,
    exp: nowSec + 3600,
    type: 'app',
    sub: '7335d417-61da-459d-899c-0a01c76a2f94',
    ...over,
  })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(key);
}

const b64json = (value: unknown) => base64url.encode(JSON.stringify(value));

interface Row {
  name: string;
  settings: AdminAuthSettings;
  request: () => Promise<AdminRequest>;
  keySet?: (teamDomain: string) => JWTVerifyGetKey;
  expected: AdminAuthResult;
  /** false: refused before any key is asked for (no fetch in the worker). */
  keySetAsked?: boolean;
}

const refused = (status: 401 | 403 | 404 | 503, reason: AdminRefusal): AdminAuthResult => ({
  ok: false,
  status,
  reason,
});

const hostile: Row[] = [
  {
    name: 'missing header, key configured',
    settings: KEY_ONLY,
    request: async () => request(),
    expected: refused(401, 'no_admin_key'),
  },
  {
    name: 'missing header, Access configured',
    settings: ACCESS_ONLY,
    request: async () => request(),
    expected: refused(403, 'no_access_token'),
    keySetAsked: false,
  },
  {
    name: 'empty Authorization',
    settings: KEY_ONLY,
    request: async () => request({ authorization: '' }),
    expected: refused(401, 'no_admin_key'),
  },
  {
    name: 'empty Cf-Access-Jwt-Assertion',
    settings: ACCESS_ONLY,
    request: async () => request({ accessJwt: '' }),
    expected: refused(403, 'access_token_invalid'),
    keySetAsked: false,
  },
  {
    name: 'Bearer with the wrong key',
    settings: KEY_ONLY,
    request: async () => request({ authorization: `Bearer ${KEY.slice(0, -1)}X` }),
    expected: refused(401, 'admin_key_wrong'),
  },
  {
    name: 'Bearer with the key and a trailing space',
    settings: KEY_ONLY,
    request: async () => request({ authorization: `Bearer ${KEY} ` }),
    expected: refused(401, 'admin_key_malformed'),
  },
  {
    name: 'Basic with the key and a trailing space as the password',
    settings: KEY_ONLY,
    request: async () => request({ authorization: basic(`editor:${KEY} `) }),
    expected: refused(401, 'admin_key_wrong'),
  },
  {
    name: 'Basic with bad base64',
    settings: KEY_ONLY,
    request: async () => request({ authorization: 'Basic !!not*base64' }),
    expected: refused(401, 'admin_key_malformed'),
  },
  {
    name: 'Basic whose bytes are not UTF-8',
    settings: KEY_ONLY,
    request: async () =>
      request({ authorization: `Basic ${Buffer.from([0x3a, 0xff, 0xfe]).toString('base64')}` }),
    expected: refused(401, 'admin_key_malformed'),
  },
  {
    name: 'Basic with no colon (the key alone)',
    settings: KEY_ONLY,
    request: async () => request({ authorization: basic(KEY) }),
    expected: refused(401, 'admin_key_malformed'),
  },
  {
    name: 'Basic with the key in the user name instead of the password',
    settings: KEY_ONLY,
    request: async () => request({ authorization: basic(`${KEY}:`) }),
    expected: refused(401, 'admin_key_wrong'),
  },
  {
    name: 'Basic with the key as user name and as a wrong password',
    settings: KEY_ONLY,
    request: async () => request({ authorization: basic(`${KEY}:guess`) }),
    expected: refused(401, 'admin_key_wrong'),
  },
  {
    name: 'another scheme (Digest)',
    settings: KEY_ONLY,
    request: async () => request({ authorization: `Digest username="${KEY}"` }),
    expected: refused(401, 'no_admin_key'),
  },
  {
    name: 'oversized Authorization (10 KB)',
    settings: KEY_ONLY,
    request: async () => request({ authorization: `Bearer ${'k'.repeat(10_240)}` }),
    expected: refused(401, 'admin_key_malformed'),
  },
  {
    name: 'oversized Basic (10 KB)',
    settings: KEY_ONLY,
    request: async () => request({ authorization: basic(`u:${'k'.repeat(7_680)}`) }),
    expected: refused(401, 'admin_key_malformed'),
  },
  {
    name: 'the admin key in the Access header',
    settings: BOTH,
    request: async () => request({ accessJwt: KEY }),
    expected: refused(401, 'no_admin_key'),
  },
  {
    name: 'the admin key when only Access is configured',
    settings: ACCESS_ONLY,
    request: async () => request({ authorization: `Bearer ${KEY}` }),
    expected: refused(403, 'no_access_token'),
    keySetAsked: false,
  },
  {
    name: 'JWT signed by another key (same kid)',
    settings: ACCESS_ONLY,
    request: async () =>
      request({ accessJwt: await accessToken({}, { key: otherKeys.privateKey }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'JWT naming a key the team does not have',
    settings: ACCESS_ONLY,
    request: async () =>
      request({ accessJwt: await accessToken({}, { key: otherKeys.privateKey, kid: 'mine' }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'JWT with the wrong aud (another application of the team)',
    settings: ACCESS_ONLY,
    request: async () => request({ accessJwt: await accessToken({ aud: ['b'.repeat(64)] }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'JWT with no aud',
    settings: ACCESS_ONLY,
    request: async () => request({ accessJwt: await accessToken({ aud: undefined }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'JWT with the wrong iss (another team)',
    settings: ACCESS_ONLY,
    request: async () =>
      request({ accessJwt: await accessToken({ iss: 'https://other.cloudflareaccess.com' }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'JWT with iss spelt with a trailing slash',
    settings: ACCESS_ONLY,
    request: async () => request({ accessJwt: await accessToken({ iss: `${ISS}/` }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'expired JWT (beyond the tolerance)',
    settings: ACCESS_ONLY,
    request: async () => request({ accessJwt: await accessToken({ exp: nowSec - 11 }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'JWT not yet valid (beyond the tolerance)',
    settings: ACCESS_ONLY,
    request: async () => request({ accessJwt: await accessToken({ nbf: nowSec + 11 }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'JWT without exp',
    settings: ACCESS_ONLY,
    request: async () => request({ accessJwt: await accessToken({ exp: undefined }) }),
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'alg none',
    settings: ACCESS_ONLY,
    request: async () =>
      request({
        accessJwt: `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json({ aud: [AUD], iss: ISS, exp: nowSec + 3600 })}.`,
      }),
    expected: refused(403, 'access_token_invalid'),
    keySetAsked: false,
  },
  {
    name: 'HS256 with the public key (PEM) as the secret',
    settings: ACCESS_ONLY,
    request: async () => {
      const secret = new TextEncoder().encode(await exportSPKI(teamKeys.publicKey));
      const token = await new SignJWT({ aud: [AUD], iss: ISS, exp: nowSec + 3600 })
        .setProtectedHeader({ alg: 'HS256', kid: 'team-1' })
        .sign(secret);
      return request({ accessJwt: token });
    },
    expected: refused(403, 'access_token_invalid'),
  },
  {
    name: 'a valid JWT in the CF_Authorization cookie only',
    settings: ACCESS_ONLY,
    request: async () =>
      adminRequestOf(
        new Request('https://news.example/_paywall/admin', {
          headers: { cookie: `CF_Authorization=${await accessToken()}` },
        }),
      ),
    expected: refused(403, 'no_access_token'),
    keySetAsked: false,
  },
  {
    name: 'oversized Access header (10 KB)',
    settings: ACCESS_ONLY,
    request: async () => request({ accessJwt: `${await accessToken()}${'A'.repeat(10_240)}` }),
    expected: refused(403, 'access_token_invalid'),
    keySetAsked: false,
  },
  {
    name: 'Access configured, the key set fetch fails',
    settings: ACCESS_ONLY,
    keySet: failingKeySet,
    request: async () => request({ accessJwt: await accessToken() }),
    expected: refused(503, 'access_keys_unavailable'),
  },
  {
    name: 'both configured, the key set fetch fails, a wrong key',
    settings: BOTH,
    keySet: failingKeySet,
    request: async () =>
      request({ accessJwt: await accessToken(), authorization: `Bearer ${'x'.repeat(40)}` }),
    expected: refused(503, 'access_keys_unavailable'),
  },
  {
    name: 'both configured, an invalid JWT and no key: the browser is asked for the key',
    settings: BOTH,
    request: async () => request({ accessJwt: await accessToken({ aud: ['nope'] }) }),
    expected: refused(401, 'no_admin_key'),
  },
  {
    name: 'production with nothing configured, even from loopback with a key',
    settings: NOTHING,
    request: async () =>
      request({ clientIp: '127.0.0.1', hostname: '127.0.0.1', authorization: `Bearer ${KEY}` }),
    expected: refused(404, 'not_configured'),
    keySetAsked: false,
  },
  {
    name: 'development from a non-loopback address',
    settings: NOTHING_DEV,
    request: async () => request({ clientIp: '192.168.1.20', hostname: '127.0.0.1' }),
    expected: refused(403, 'not_loopback'),
  },
  {
    name: 'development with no CF-Connecting-IP',
    settings: NOTHING_DEV,
    request: async () => request({ clientIp: undefined, hostname: '127.0.0.1' }),
    expected: refused(403, 'not_loopback'),
  },
  {
    name: 'development from loopback under another host name (DNS rebinding)',
    settings: NOTHING_DEV,
    request: async () => request({ clientIp: '127.0.0.1', hostname: 'rebind.attacker.example' }),
    expected: refused(403, 'not_loopback'),
  },
  {
    name: 'development from a short-form 127.1',
    settings: NOTHING_DEV,
    request: async () => request({ clientIp: '127.1', hostname: '127.0.0.1' }),
    expected: refused(403, 'not_loopback'),
  },
  {
    name: 'development from ::ffff:10.0.0.1 (mapped, not loopback)',
    settings: NOTHING_DEV,
    request: async () => request({ clientIp: '::ffff:10.0.0.1', hostname: 'localhost' }),
    expected: refused(403, 'not_loopback'),
  },
  {
    name: 'development from 127.0.0.2',
    settings: NOTHING_DEV,
    request: async () => request({ clientIp: '127.0.0.2', hostname: '127.0.0.1' }),
    expected: { ok: true, who: 'loopback' },
  },
  {
    name: 'development from ::1',
    settings: NOTHING_DEV,
    request: async () => request({ clientIp: '::1', hostname: '[::1]' }),
    expected: { ok: true, who: 'loopback' },
  },
  {
    name: 'test environment from ::ffff:127.0.0.1',
    settings: NOTHING_TEST,
    request: async () => request({ clientIp: '::ffff:127.0.0.1', hostname: 'localhost' }),
    expected: { ok: true, who: 'loopback' },
  },
  {
    name: 'development with a key configured: loopback alone is not enough',
    settings: settings({ ENVIRONMENT: 'development', ADMIN_KEY: KEY }),
    request: async () => request({ clientIp: '127.0.0.1', hostname: '127.0.0.1' }),
    expected: refused(401, 'no_admin_key'),
  },
];

describe('authoriseAdmin: hostile requests', () => {
  it.each(hostile)('$name', async (row) => {
    asked = [];
    const result = await authoriseAdmin(await row.request(), row.settings, {
      keySet: row.keySet ?? keySet,
      now: NOW,
    });
    expect(result).toEqual(row.expected);
    if (row.keySetAsked === false) expect(asked).toEqual([]);
  });
});

describe('authoriseAdmin: who gets in', () => {
  const decide = (req: AdminRequest, s: AdminAuthSettings) =>
    authoriseAdmin(req, s, { keySet, now: NOW });

  it('a valid Access token, checked against the configured team', async () => {
    asked = [];
    const token = await accessToken();
    expect(await decide(request({ accessJwt: token }), ACCESS_ONLY)).toEqual({
      ok: true,
      who: 'access',
    });
    expect(asked).toEqual([TEAM]);
    // The same token for a deployment configured with another audience is refused.
    const otherApp = settings({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: 'c'.repeat(64) });
    expect(await decide(request({ accessJwt: token }), otherApp)).toMatchObject({ ok: false });
  });

  it('a token within the clock tolerance, and an aud list that includes ours', async () => {
    const token = await accessToken({ exp: nowSec - 5, nbf: nowSec + 5, aud: ['x', AUD] });
    expect(await decide(request({ accessJwt: token }), ACCESS_ONLY)).toMatchObject({ ok: true });
  });

  it('the key as Bearer (any case of the scheme) or as a Basic password', async () => {
    for (const authorization of [
      `Bearer ${KEY}`,
      `bearer ${KEY}`,
      basic(`:${KEY}`),
      basic(`editor:${KEY}`),
      basic(`é@news.example:${KEY}`),
    ]) {
      expect(await decide(request({ authorization }), KEY_ONLY)).toEqual({
        ok: true,
        who: 'admin-key',
      });
    }
  });

  it('a key containing a colon is the whole password after the first colon', async () => {
    const colonKey = `${'k'.repeat(20)}:${'k'.repeat(20)}`;
    const s = settings({ ADMIN_KEY: colonKey });
    expect(await decide(request({ authorization: basic(`u:${colonKey}`) }), s)).toMatchObject({
      ok: true,
    });
    expect(await decide(request({ authorization: basic(colonKey) }), s)).toMatchObject({
      ok: false,
    });
  });

  it('the key opens without asking for Access keys, even while they cannot be had', async () => {
    const result = await authoriseAdmin(
      request({ accessJwt: await accessToken(), authorization: `Bearer ${KEY}` }),
      BOTH,
      { keySet: failingKeySet, now: NOW },
    );
    expect(result).toEqual({ ok: true, who: 'admin-key' });
  });

  it('a valid Access token opens when a key is configured too', async () => {
    const result = await decide(
      request({ accessJwt: await accessToken(), authorization: 'Bearer wrong' }),
      BOTH,
    );
    expect(result).toEqual({ ok: true, who: 'access' });
  });

  it('the real key set: fetched from the team certs URL; a failed fetch is a 503', async () => {
    const jwks = { keys: [{ ...(await exportJWK(teamKeys.publicKey)), kid: 'team-1' }] };
    const urls: string[] = [];
    const serving = createAccessKeySets(async (url) => {
      urls.push(url);
      return Response.json(jwks);
    });
    const token = await accessToken();
    const deps = { keySet: serving, now: NOW };
    expect(await authoriseAdmin(request({ accessJwt: token }), ACCESS_ONLY, deps)).toEqual({
      ok: true,
      who: 'access',
    });
    expect(await authoriseAdmin(request({ accessJwt: token }), ACCESS_ONLY, deps)).toMatchObject({
      ok: true,
    });
    expect(urls).toEqual([`https://${TEAM}/cdn-cgi/access/certs`]);

    for (const failing of [
      async () => {
        throw new TypeError('fetch failed');
      },
      async () => new Response('<html>Bad gateway</html>', { status: 502 }),
      async () => Response.json({ not: 'a key set' }),
    ]) {
      const result = await authoriseAdmin(request({ accessJwt: token }), ACCESS_ONLY, {
        keySet: createAccessKeySets(failing),
        now: NOW,
      });
      expect(result).toEqual(refused(503, 'access_keys_unavailable'));
    }
  });
});

describe('adminRequestOf', () => {
  it('takes the Access header, Authorization, CF-Connecting-IP and the URL host name', () => {
    const req = adminRequestOf(
      new Request('http://[::1]:8787/_paywall/admin', {
        headers: {
          'cf-access-jwt-assertion': 'jwt',
          authorization: 'Bearer k',
          'cf-connecting-ip': '::1',
          cookie: 'CF_Authorization=cookie-jwt',
        },
      }),
    );
    expect(req).toEqual({
      accessJwt: 'jwt',
      authorization: 'Bearer k',
      clientIp: '::1',
      hostname: '[::1]',
    });
  });
});

describe('requireAdmin', () => {
  function app(admin: AdminAuthSettings, keys = keySet) {
    const services = { deployment: { admin }, now: () => NOW };
    return new Hono()
      .use('*', requestId())
      .use('*', async (c, next) => {
        c.set('services' as never, services as never);
        await next();
      })
      .use('/_paywall/admin/*', requireAdmin({ keySet: keys }))
      .get('/_paywall/admin/', (c) => c.text('dashboard'))
      .onError(onError);
  }
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string; message: string } }).error;
  const get = (a: ReturnType<typeof app>, headers: Record<string, string> = {}) =>
    a.request('https://news.example/_paywall/admin/', { headers });

  it('lets a valid key through to the handler', async () => {
    const res = await get(app(KEY_ONLY), { authorization: basic(`me:${KEY}`) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('dashboard');
  });

  it('answers a missing or wrong key with 401 and the Basic challenge', async () => {
    for (const headers of [{}, { authorization: basic(`me:${KEY}x`) }] as Record<
      string,
      string
    >[]) {
      const res = await get(app(KEY_ONLY), headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(ADMIN_CHALLENGE);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect((await errorOf(res)).code).toBe('unauthorized');
    }
  });

  it('answers an invalid Access token with 403 and no challenge', async () => {
    const res = await get(app(ACCESS_ONLY), {
      'cf-access-jwt-assertion': await accessToken({ iss: 'https://evil.example' }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect((await errorOf(res)).code).toBe('forbidden');
  });

  it('answers as an unknown path when production configures nothing', async () => {
    const res = await get(app(NOTHING), { authorization: `Bearer ${KEY}` });
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({
      code: 'not_found',
      message: 'No such route.',
    });
  });

  it('answers 503 with Retry-After when the key set cannot be fetched', async () => {
    const res = await get(app(ACCESS_ONLY, failingKeySet), {
      'cf-access-jwt-assertion': await accessToken(),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await errorOf(res)).code).toBe('service_unavailable');
  });
});
