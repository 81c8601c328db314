import { describe, expect, it } from 'vitest';
import { MAX_ACCESS_BODY_BYTES } from '../../src/routes/access';
import { accessRequest, BASE, callWorker } from '../support/worker';

interface Envelope {
  error: { code: string; message: string; requestId: string };
}

async function expectEnvelope(response: Response, status: number, code: string): Promise<Envelope> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await response.json()) as Envelope;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.requestId.length).toBeGreaterThan(0);
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack frames
  return body;
}

const valid = { article: { id: 'a/b' } };

describe('401: the site API key', () => {
  it.each([
    ['no Authorization header', null],
    ['an empty bearer', ''],
    ['a wrong key', 'wrong-key-wrong-key-wrong'],
    ['a prefix of a real key', 'test-key-primary'],
    ['a real key plus a suffix', 'test-key-primary-0123456789x'],
    ['the local development key outside development', 'local-dev-key'],
  ])('%s gets 401', async (_, key) => {
    const body = await expectEnvelope(
      await callWorker(accessRequest(valid, { key })),
      401,
      'unauthorized',
    );
    expect(body.error.message).not.toContain('test-key');
  });

  it('a non-Bearer scheme gets 401', async () => {
    const request = new Request(`${BASE}/_paywall/v1/access`, {
      method: 'POST',
      headers: { authorization: 'Basic dGVzdDp0ZXN0', 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    await expectEnvelope(await callWorker(request), 401, 'unauthorized');
  });

  it('auth is checked before the body is read', async () => {
    await expectEnvelope(
      await callWorker(accessRequest('{not json', { key: null, raw: true })),
      401,
      'unauthorized',
    );
  });
});

describe('400: bad input', () => {
  const cases: [string, unknown][] = [
    ['an empty object', {}],
    ['no article id', { article: {} }],
    ['an empty article id', { article: { id: '' } }],
    ['an article id with spaces', { article: { id: 'a b' } }],
    ['an article id with a newline', { article: { id: 'a\nb' } }],
    ['a 257-character article id', { article: { id: 'x'.repeat(257) } }],
    ['a numeric article id', { article: { id: 42 } }],
    ['a non-URL article url', { article: { id: 'a', url: 'not a url' } }],
    ['a javascript: article url', { article: { id: 'a', url: 'javascript:alert(1)' } }],
    ['consume as a string', { ...valid, consume: 'false' }],
    ['reader as a string', { ...valid, reader: 'abc' }],
    ['a reader id as a number', { ...valid, reader: { id: 7 } }],
    ['a bad IP', { ...valid, reader: { ip: '999.1.1.1' } }],
    ['an array body', [valid]],
    ['a null body', null],
  ];
  it.each(cases)('%s gets 400', async (_, body) => {
    await expectEnvelope(await callWorker(accessRequest(body)), 400, 'invalid_request');
  });

  it.each([
    ['malformed JSON', '{"article": {"id": "a"'],
    ['an empty body', ''],
    ['plain text', 'hello'],
  ])('%s gets 400', async (_, raw) => {
    await expectEnvelope(
      await callWorker(accessRequest(raw, { raw: true })),
      400,
      'invalid_request',
    );
  });

  it('a body over 16 KB gets 400, even when it is valid JSON', async () => {
    const body = JSON.stringify({
      ...valid,
      reader: { userAgent: 'x'.repeat(1000) },
      padding: 'p'.repeat(MAX_ACCESS_BODY_BYTES),
    });
    await expectEnvelope(
      await callWorker(accessRequest(body, { raw: true })),
      400,
      'invalid_request',
    );
  });

  it('a body over 16 KB sent chunked, with no Content-Length, gets 400', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const request = new Request(`${BASE}/_paywall/v1/access`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer test-key-primary-0123456789',
        'content-type': 'application/json',
      },
      body: stream,
    });
    await expectEnvelope(await callWorker(request), 400, 'invalid_request');
  });

  it('a wrong content type gets 400', async () => {
    const request = new Request(`${BASE}/_paywall/v1/access`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer test-key-primary-0123456789',
        'content-type': 'text/plain',
      },
      body: JSON.stringify(valid),
    });
    await expectEnvelope(await callWorker(request), 400, 'invalid_request');
  });

  it('names the field at fault without echoing its value', async () => {
    const secretish = 'user-typed-value-zzz';
    const body = await expectEnvelope(
      await callWorker(accessRequest({ article: { id: 'a', url: secretish } })),
      400,
      'invalid_request',
    );
    expect(body.error.message).toContain('article.url');
    expect(body.error.message).not.toContain(secretish);
  });
});

describe('unknown routes', () => {
  it('answer 404 with the envelope', async () => {
    await expectEnvelope(
      await callWorker(new Request(`${BASE}/_paywall/v1/nope`)),
      404,
      'not_found',
    );
    // A known path with the wrong method is a 405 (tests/integration/openapi.test.ts).
    await expectEnvelope(
      await callWorker(new Request(`${BASE}/_paywall/v1/access`)),
      405,
      'method_not_allowed',
    );
  });
});
