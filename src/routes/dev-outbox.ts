import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import { PAYWALL_PREFIX } from '../contract/paths';
import { AppError } from '../errors';
import { escapeHtml as e } from '../html/escape';
import { errorResponse } from '../http/error-response';
import type { OutboxMessage } from '../mail/outbox';
import { errorResponseDoc } from '../schemas/error';
import type { Services } from '../services';

/**
 * GET /dev/outbox (mounted under /_paywall): the messages the development outbox mailer kept,
 * newest first, as a page or, with `?format=json`, as `{ messages: OutboxMessage[] }`.
 *
 * Only when ENVIRONMENT is `development`. Anywhere else every method answers exactly as an
 * unknown /_paywall path does (404 not_found): the route is registered for ALL methods so the
 * 405 list in src/http/method-not-allowed.ts, which skips ALL routes, never reveals it. In
 * development a method other than GET/HEAD is a 405 with `Allow`, like every other route.
 */
export interface OutboxReader {
  list(): Promise<OutboxMessage[]>;
}

/** What this route needs from the services; src/services.ts adds `outbox` to Services. */
type DevOutboxEnv = {
  Variables: RequestIdVariables & {
    services: { deployment: Pick<Services['deployment'], 'environment'> } & {
      outbox: OutboxReader | null;
    };
  };
};

export const DEV_OUTBOX_PATH = '/dev/outbox';

/**
 * The route's entry in the OpenAPI document (registered by src/routes/docs.ts): it is a plain
 * Hono route, so that outside development it is indistinguishable from an unknown path.
 */
export const devOutboxOpenApi = createRoute({
  method: 'get',
  path: `${PAYWALL_PREFIX}${DEV_OUTBOX_PATH}`,
  operationId: 'devOutbox',
  tags: ['accounts'],
  summary: 'Development only: the e-mail the outbox mailer kept (10 minutes, newest 200)',
  description:
    'Exists only when ENVIRONMENT is `development` and MAILER is `outbox` (the `npm start` default): read the sign-in codes here. Everywhere else it is a 404 like any unknown path. `?format=json` gives `{ messages }`.',
  security: [],
  request: {
    query: z.object({ format: z.enum(['json']).optional() }),
  },
  responses: {
    200: {
      description: 'The kept messages, as a page, or as JSON with `format=json`',
      content: {
        'text/html': { schema: z.string() },
        'application/json': {
          schema: z.object({
            messages: z.array(
              z.object({
                id: z.string(),
                to: z.string(),
                subject: z.string(),
                text: z.string(),
                html: z.string(),
                sentAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    404: errorResponseDoc('Not in development, or MAILER is not `outbox`'),
    503: errorResponseDoc('Redis unreachable'),
  },
});

const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
};

export const devOutboxRoutes = new Hono<DevOutboxEnv>().all(DEV_OUTBOX_PATH, async (c) => {
  const { deployment, outbox } = c.var.services;
  if (deployment.environment !== 'development') {
    return errorResponse(c, new AppError('not_found', 'No such route.'));
  }
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    return errorResponse(
      c,
      new AppError('method_not_allowed', 'Method not allowed on this route.', {
        Allow: 'GET, HEAD',
      }),
    );
  }
  if (outbox === null) {
    return errorResponse(
      c,
      new AppError('not_found', 'The development outbox is off: MAILER is not "outbox".'),
    );
  }
  let messages: OutboxMessage[];
  try {
    messages = await outbox.list();
  } catch {
    return errorResponse(
      c,
      new AppError('service_unavailable', 'The outbox could not be read from Redis.'),
    );
  }
  for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
  if (c.req.query('format') === 'json') return c.json({ messages }, 200);
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  return c.html(outboxPage(messages), 200);
});

function outboxPage(messages: OutboxMessage[]): string {
  const items = messages.map(
    (m) => `
      <article>
        <p class="meta"><time datetime="${e(m.sentAt)}">${e(m.sentAt)}</time> · to ${e(m.to)}</p>
        <h2>${e(m.subject)}</h2>
        <pre>${e(m.text)}</pre>
        <details><summary>HTML part (source)</summary><pre>${e(m.html)}</pre></details>
      </article>`,
  );
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>Development outbox</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fafaf7; margin: 0; }
      main { max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
      article { background: #fff; border-top: 4px solid #0b5394; padding: 1rem 1.25rem; margin: 1rem 0; }
      .meta { color: #555; margin: 0; font-size: 0.9rem; }
      h2 { font-size: 1.15rem; margin: 0.25rem 0 0.5rem; }
      pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f3f3ee; padding: 0.75rem; margin: 0.5rem 0; }
    </style>
  </head>
  <body>
    <main>
      <h1>Development outbox</h1>
      <p>E-mail this worker would have sent, newest first. Messages are kept for 10 minutes
        (the newest 200); reload to see new ones. Only in development.</p>
      ${messages.length === 0 ? '<p><strong>No messages in the last 10 minutes.</strong></p>' : items.join('')}
    </main>
  </body>
</html>`;
}
