import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authed, base64, Keys, post, TARGETS, TOKEN } from './upstash-local-support';

// The wire protocol of tools/upstash-local, with raw fetch: what the client never sends
// (bad bodies, no auth, other routes), and the exact shapes it relies on (status codes,
// {result}/{error}, base64 encoding).

describe.each(TARGETS)('upstash-local protocol on $name', ({ url }) => {
  let keys: Keys;
  beforeEach(() => {
    keys = new Keys();
  });
  afterEach(async () => {
    await keys.cleanup(url);
  });

  const command = async (body: unknown, headers = authed()) => {
    const response = await post(url, '/', JSON.stringify(body), headers);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  describe('auth', () => {
    it('answers 401 without a token', async () => {
      const response = await post(url, '/', JSON.stringify(['PING']), {});
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Unauthorized' });
    });

    it('answers 401 for a wrong bearer token', async () => {
      const { status, body } = await command(['PING'], { authorization: 'Bearer wrong' });
      expect(status).toBe(401);
      expect(body).toEqual({ error: 'Unauthorized' });
    });

    it('takes the token from the Authorization header only, as the client sends it', async () => {
      const response = await post(url, `/?_token=${encodeURIComponent(TOKEN)}`, '["PING"]', {});
      expect(response.status).toBe(401);
      const { status, body } = await command(['PING'], { authorization: `bearer ${TOKEN}` });
      expect([status, body]).toEqual([200, { result: 'PONG' }]);
    });
  });

  describe('POST /', () => {
    it('answers {result}', async () => {
      expect(await command(['SET', keys.key('a'), 'x'])).toEqual({
        status: 200,
        body: { result: 'OK' },
      });
      expect(await command(['GET', keys.key('a')])).toEqual({ status: 200, body: { result: 'x' } });
      expect(await command(['GET', keys.key('none')])).toEqual({
        status: 200,
        body: { result: null },
      });
    });

    it('turns number and boolean arguments into their text', async () => {
      await command(['SET', keys.key('n'), 42]);
      await command(['SET', keys.key('b'), true]);
      await command(['SET', keys.key('f'), 1.5]);
      expect((await command(['MGET', keys.key('n'), keys.key('b'), keys.key('f')])).body).toEqual({
        result: ['42', 'true', '1.5'],
      });
      expect((await command(['INCRBY', keys.key('n'), 8])).body).toEqual({ result: 50 });
    });

    it('answers 400 {error} for a body that is not JSON', async () => {
      const response = await post(url, '/', '["SET", "k"', authed());
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string };
      expect(body.error).toMatch(/^ERR .*JSON/);
    });

    it('answers 400 {error} for JSON that is not a command', async () => {
      for (const body of [{ cmd: 'GET' }, [], 'GET', [['GET', 'k']], ['SET', 'k', null]]) {
        const answer = await command(body);
        expect(answer.status).toBe(400);
        expect(answer.body.error).toEqual(expect.stringMatching(/^ERR /));
      }
    });

    it('answers 400 with Redis’s text for an unknown command or a wrong arity', async () => {
      expect(await command(['NOSUCHCOMMAND', 'x'])).toEqual({
        status: 400,
        body: { error: "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' " },
      });
      expect(await command(['GET'])).toEqual({
        status: 400,
        body: { error: "ERR wrong number of arguments for 'get' command" },
      });
      expect(await command(['EVALSHA', 'f'.repeat(40), 0])).toEqual({
        status: 400,
        body: { error: 'NOSCRIPT No matching script. Please use EVAL.' },
      });
    });

    it('refuses commands that would change the shared connection', async () => {
      for (const name of ['MULTI', 'SELECT', 'SUBSCRIBE', 'BLPOP']) {
        const { status, body } = await command([name, 'x', '0']);
        expect(status).toBe(400);
        expect(body.error).toContain('not available');
      }
    });
  });

  describe('Upstash-Encoding: base64', () => {
    const b64 = authed({ 'Upstash-Encoding': 'base64' });

    it('encodes every string as base64 of its UTF-8, except a top-level OK', async () => {
      const value = 'héllo ✓';
      expect((await command(['SET', keys.key('e'), value], b64)).body).toEqual({ result: 'OK' });
      expect((await command(['GET', keys.key('e')])).body).toEqual({ result: value });
      expect((await command(['GET', keys.key('e')], b64)).body).toEqual({ result: base64(value) });
      expect((await command(['PING'], b64)).body).toEqual({ result: base64('PONG') });
    });

    it('encodes strings at every depth and leaves numbers and nil alone', async () => {
      const script = "return {'a', 1, {'b', {'OK', 2}}, false}";
      expect((await command(['EVAL', script, 0], b64)).body).toEqual({
        result: [base64('a'), 1, [base64('b'), [base64('OK'), 2]], null],
      });
      expect((await command(['EVAL', script, 0])).body).toEqual({
        result: ['a', 1, ['b', ['OK', 2]], null],
      });
    });

    it('reads the header in any case', async () => {
      await command(['SET', keys.key('c'), 'v']);
      const lower = authed({ 'upstash-encoding': 'BASE64' });
      expect((await command(['GET', keys.key('c')], lower)).body).toEqual({ result: base64('v') });
    });
  });

  describe('headers and routes', () => {
    it('answers JSON, and many concurrent requests on kept-alive connections', async () => {
      const k = keys.key('concurrent');
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => post(url, '/', JSON.stringify(['INCR', k]), authed())),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(answers.every((a) => a.headers.get('content-type') === 'application/json')).toBe(true);
      const bodies = await Promise.all(answers.map((a) => a.json() as Promise<{ result: number }>));
      const seen = bodies.map((b) => b.result).sort((a, b) => a - b);
      expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });

    it('serves POST / only: 404 {error} for other paths, Upstash’s included; 405 for GET /', async () => {
      for (const path of ['/pipeline', '/multi-exec', '/ping', '/nowhere']) {
        const missing = await post(url, path, '[["PING"]]', authed());
        expect(missing.status, path).toBe(404);
        expect(await missing.json()).toEqual({ error: expect.stringMatching(/^ERR /) });
      }
      const get = await fetch(`${url}/`, { headers: authed() });
      expect(get.status).toBe(405);
      expect(await get.json()).toEqual({ error: expect.stringMatching(/^ERR /) });
    });
  });
});
