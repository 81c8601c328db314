import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { keepAliveLikeClients, listen } from '../lib/http-server';
import { apiRouter } from './api/routes';
import { controlRouter } from './control';
import { StripeLocalError, unknownRoute } from './errors';
import { expand } from './expand';
import { sweep } from './flows/subscriptions';
import { decodeForm } from './form';
import { decodeBody, readBody, secretKeyOf, sendJson } from './http';
import { ID_PREFIX, newId } from './ids';
import { API_VERSION } from './objects/common';
import type { LocalPrice } from './objects/price';
import { pageRouter } from './pages/routes';
import { Params } from './params';
import { Registry } from './registry';

// stripe-local: an offline Stripe that the real `stripe` SDK talks to through its
// host/port/protocol options. This file is the HTTP shell: options, listening, auth,
// idempotency, expand[] and error envelopes. Routes live in api/, control.ts and pages/.

export type { LocalPrice } from './objects/price';

export interface StripeLocalOptions {
  /** 0 = ephemeral; default 12111. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Requests must send `Authorization: Bearer <this>`. Default 'sk_test_local'. */
  secretKey?: string;
  /** Signs webhook deliveries. Default 'whsec_local'. */
  webhookSecret?: string;
  /** Where events are POSTed (none: events are only logged). */
  webhookUrl?: string;
  /** Prices that exist from the start, e.g. { id: 'price_local_monthly', unit_amount: 500, … }. */
  prices?: LocalPrice[];
  /** Clock in ms (default Date.now), so tests can pin or move time. */
  now?: () => number;
  /** Delay before each webhook retry; its length is the number of retries. */
  webhookRetryDelaysMs?: number[];
  /** One delivery attempt's time limit. Default 10 s. */
  webhookTimeoutMs?: number;
  /** How long an answer that created events waits for their first delivery. Default 2 s. */
  deliveryWaitMs?: number;
}

export interface StripeLocal {
  url: string;
  port: number;
  secretKey: string;
  webhookSecret: string;
  close(): Promise<void>;
}

/** Stripe retries over days; these keep the same shape (a few, growing) in seconds. */
const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 15_000];

export async function startStripeLocal(opts: StripeLocalOptions = {}): Promise<StripeLocal> {
  const host = opts.host ?? '127.0.0.1';
  const secretKey = opts.secretKey ?? 'sk_test_local';
  const webhookSecret = opts.webhookSecret ?? 'whsec_local';
  const registry = new Registry({
    now: opts.now ?? Date.now,
    prices: opts.prices ?? [],
    retryDelaysMs: opts.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    webhookTimeoutMs: opts.webhookTimeoutMs ?? 10_000,
    deliveryWaitMs: opts.deliveryWaitMs ?? 2_000,
  });
  const context: Context = {
    registry,
    api: apiRouter(),
    control: controlRouter(),
    pages: pageRouter(),
  };
  const server = createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      console.error('stripe-local: unexpected error', error);
      if (!res.headersSent) sendJson(res, 500, JSON.stringify(apiError()));
      else res.destroy();
    });
  });
  keepAliveLikeClients(server);
  const { url: baseUrl, port } = await listen(server, opts.port ?? 12111, host);
  registry.baseUrl = baseUrl;
  registry.create({ secretKey, webhookSecret, webhookUrl: opts.webhookUrl ?? null });

  return {
    url: registry.baseUrl,
    port,
    secretKey,
    webhookSecret,
    close: async () => {
      registry.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

interface Context {
  registry: Registry;
  api: ReturnType<typeof apiRouter>;
  control: ReturnType<typeof controlRouter>;
  pages: ReturnType<typeof pageRouter>;
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stripe-local');
  const method = req.method ?? 'GET';
  const requestId = newId(ID_PREFIX.request, 14);
  const headers = {
    'request-id': requestId,
    'stripe-version': headerOf(req, 'stripe-version') ?? API_VERSION,
  };
  try {
    if (url.pathname.startsWith('/v1/'))
      return await handleApi(ctx, req, res, url, requestId, headers);
    if (url.pathname.startsWith('/_control/'))
      return await handleControl(ctx, req, res, url, headers);
    const match = ctx.pages.match(method, url.pathname);
    if (match === null || match === 'method_not_allowed') throw unknownRoute(method, url.pathname);
    await match.handler({
      req,
      res,
      params: match.params,
      findAccount: (has) => ctx.registry.find(has),
    });
  } catch (error) {
    if (!(error instanceof StripeLocalError)) throw error;
    sendJson(res, error.status, JSON.stringify(error.body(), null, 2), headers);
  }
}

async function handleApi(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
  headers: Record<string, string>,
): Promise<void> {
  const method = req.method ?? 'GET';
  const acct = ctx.registry.authenticate(secretKeyOf(req));
  // An injected fault (faults.ts) answers before the call is routed or run.
  if (acct.faults.intercept(res, headers)) {
    req.resume();
    return;
  }
  const match = ctx.api.match(method, url.pathname);
  if (match === null || match === 'method_not_allowed') throw unknownRoute(method, url.pathname);
  const body = await readBody(req);
  const data =
    method === 'POST'
      ? decodeBody(headerOf(req, 'content-type'), body)
      : decodeForm(url.search.slice(1));
  const idempotencyKey = method === 'POST' ? headerOf(req, 'idempotency-key') : undefined;
  const replyHeaders = {
    ...headers,
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
  };
  if (idempotencyKey) {
    const saved = acct.idempotency.lookup(idempotencyKey, method, url.pathname, data);
    if (saved) {
      return sendJson(res, saved.status, saved.body, {
        ...replyHeaders,
        'idempotent-replayed': 'true',
      });
    }
  }
  const input = new Params(data);
  const answer = await acct.withEvents(() => {
    // Time may have moved since the last request: expire sessions, renew subscriptions.
    sweep(acct);
    acct.events.request = { id: requestId, idempotency_key: idempotencyKey ?? null };
    try {
      const result = match.handler({
        acct,
        id: match.params.id ?? '',
        params: match.params,
        input,
      });
      const json = JSON.stringify(expand(acct, result, input.strings('expand')), null, 2);
      if (idempotencyKey)
        acct.idempotency.save(idempotencyKey, method, url.pathname, data, 200, json);
      return json;
    } finally {
      acct.events.request = null;
    }
  });
  sendJson(res, 200, answer, replyHeaders);
}

async function handleControl(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  headers: Record<string, string>,
): Promise<void> {
  const method = req.method ?? 'GET';
  const acct = ctx.registry.authenticate(secretKeyOf(req));
  const match = ctx.control.match(method, url.pathname);
  if (match === null || match === 'method_not_allowed') throw unknownRoute(method, url.pathname);
  const body = await readBody(req);
  const data =
    method === 'GET'
      ? decodeForm(url.search.slice(1))
      : decodeBody(headerOf(req, 'content-type'), body);
  const result = await match.handler({
    acct,
    id: match.params.id ?? '',
    input: new Params(data),
    createAccount: (input) => ctx.registry.create(input),
  });
  sendJson(res, 200, JSON.stringify(result, null, 2), headers);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function apiError() {
  return { error: { type: 'api_error', message: 'An unexpected error occurred in stripe-local.' } };
}
