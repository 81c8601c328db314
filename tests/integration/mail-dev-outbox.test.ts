import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { errorResponse } from '../../src/http/error-response';
import { createOutboxMailer, type OutboxMessage } from '../../src/mail/outbox';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';
import { devOutboxRoutes, type OutboxReader } from '../../src/routes/dev-outbox';
import { BASE, withBindings } from '../support/worker';

// GET /_paywall/dev/outbox: the page and its JSON in development, through the real worker
// (each test with its own key prefix, so the outbox holds only its messages), and elsewhere an
// answer indistinguishable from an unknown /_paywall path. The route alone, mounted on a small
// app with services of the test's own, covers what the worker cannot easily be made to do.

const PATH = '/_paywall/dev/outbox';

function isolatedDevWorker() {
  const prefix = `${env.REDIS_KEY_PREFIX}dev-outbox-${crypto.randomUUID().slice(0, 8)}:`;
  const call = withBindings({ ENVIRONMENT: 'development', REDIS_KEY_PREFIX: prefix });
  const outbox = createOutboxMailer({
    redis: createRedisClient({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: 5_000,
    }),
    keys: createKeys(prefix),
    timeoutMs: 5_000,
  });
  return { call, outbox };
}

/** A small app shaped like src/app.ts around the route, with the test's own services. */
function miniApp(services: {
  environment: 'development' | 'test' | 'production';
  outbox: OutboxReader | null;
}) {
  const app = new Hono();
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const shaped = { deployment: { environment: services.environment }, outbox: services.outbox };
    c.set('services' as never, shaped as never);
    await next();
  });
  app.route('/_paywall', devOutboxRoutes);
  app.all('/_paywall/*', (c) => errorResponse(c, new AppError('not_found', 'No such route.')));
  return (request: Request) => app.fetch(request);
}

/** Everything a client can see of an answer, but the per-request id. */
async function seen(response: Response) {
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    cache: response.headers.get('cache-control'),
    allow: response.headers.get('allow'),
    robots: response.headers.get('x-robots-tag'),
    // The request id (in the JSON envelope or the page's "reference") differs per request.
    body: text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '…'),
  };
}

const mail = (n: number, extra: Partial<OutboxMessage> = {}) => ({
  to: `reader-${n}@example.com`,
  subject: `${100000 + n} is your code`,
  text: `Here is your code:\n\n    ${100000 + n}\n`,
  html: `<p>${100000 + n}</p>`,
  ...extra,
});

describe('the dev outbox page in development', () => {
  it('lists the kept messages newest first, as JSON', async () => {
    const { call, outbox } = isolatedDevWorker();
    const empty = await call(new Request(`${BASE}${PATH}?format=json`));
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ messages: [] });

    await outbox.send(mail(1));
    await outbox.send(mail(2));
    const response = await call(new Request(`${BASE}${PATH}?format=json`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { messages } = (await response.json()) as { messages: OutboxMessage[] };
    expect(messages.map((m) => m.to)).toEqual(['reader-2@example.com', 'reader-1@example.com']);
    expect(messages[0]).toMatchObject(mail(2));
    expect(messages).toEqual(await outbox.list());
  });

  it('shows them as a page: time, to, subject and the text part, everything escaped', async () => {
    const { call, outbox } = isolatedDevWorker();
    await outbox.send(mail(1));
    await outbox.send(
      mail(2, {
        subject: '<script>alert("subject")</script>',
        text: 'Code: 100002 </pre><img src=x onerror=alert(1)>',
        to: 'x"><b>@example.com',
      }),
    );
    const response = await call(new Request(`${BASE}${PATH}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-robots-tag')).toBe('noindex');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await response.text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('"><b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;');
    expect(html).toContain('Code: 100002 &lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('to x&quot;&gt;&lt;b&gt;@example.com');
    expect(html).toMatch(/<pre>Here is your code:\n\n {4}100001\n<\/pre>/);
    const [newest, older] = [html.indexOf('&lt;script&gt;'), html.indexOf('100001 is your code')];
    expect(newest).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(newest);
    expect(html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">/);
  });

  it('says so when there is nothing to show', async () => {
    const { call } = isolatedDevWorker();
    const html = await (await call(new Request(`${BASE}${PATH}`))).text();
    expect(html).toContain('No messages in the last 10 minutes.');
  });

  it('answers another method with 405 and Allow', async () => {
    const { call } = isolatedDevWorker();
    const response = await call(new Request(`${BASE}${PATH}`, { method: 'POST', body: '' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'method_not_allowed',
    );
  });
});

describe('the dev outbox page outside development', () => {
  const requests = (path: string) => [
    new Request(`${BASE}${path}`),
    new Request(`${BASE}${path}?format=json`),
    new Request(`${BASE}${path}`, { method: 'HEAD' }),
    new Request(`${BASE}${path}`, { method: 'POST', body: '{}' }),
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'a=1',
    }),
  ];

  it.each(['test', 'production'])(
    'answers exactly as an unknown /_paywall path when ENVIRONMENT is %s',
    async (environment) => {
      const call = withBindings({ ENVIRONMENT: environment });
      const outbox = requests(PATH);
      const unknown = requests('/_paywall/dev/no-such-page');
      for (const [i, request] of outbox.entries()) {
        const got = await seen(await call(request));
        expect(got.status).toBe(404);
        expect(got).toEqual(await seen(await call(unknown[i] as Request)));
      }
    },
  );

  it('stays hidden in production even with an outbox behind it', async () => {
    const outbox: OutboxReader = { list: async () => [{ ...mail(1), id: 'x', sentAt: 'y' }] };
    const app = miniApp({ environment: 'production', outbox });
    for (const [i, request] of requests(PATH).entries()) {
      const got = await seen(await app(request));
      expect(got.status).toBe(404);
      expect(got.body).not.toContain('reader-1');
      expect(got).toEqual(await seen(await app(requests('/_paywall/nope')[i] as Request)));
    }
  });
});

describe('the dev outbox route on its own', () => {
  it('is a 503 when the outbox cannot be read', async () => {
    const app = miniApp({
      environment: 'development',
      outbox: {
        list: async () => {
          throw new Error('Redis gave no answer');
        },
      },
    });
    const response = await app(new Request(`${BASE}${PATH}`));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'service_unavailable',
    );
  });

  it('is a 404 that says why in development when another mailer is in use', async () => {
    const app = miniApp({ environment: 'development', outbox: null });
    const response = await app(new Request(`${BASE}${PATH}`));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /MAILER is not "outbox"/,
    );
  });
});
