import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import worker from '../../src/index';
import type { AccessResponse } from '../../src/schemas/access';
import { sentRequest, tapOpenApi } from './openapi-tap';

export const API_KEY = 'test-key-primary-0123456789';
export const ROTATED_API_KEY = 'test-key-rotated-0123456789';
export const BASE = 'https://paywall.test';

export type Bindings = Record<string, unknown>;

/**
 * Every 5xx the suite sees is printed as one `[5xx]` line (status, method, path), so a run's
 * output can be counted: client mistakes must never be one; injected faults may be a 503.
 */
function note5xx(request: Request, response: Response, injectedFaults = false): Response {
  // Where the test itself makes Redis fail, a 503 is the documented answer, not news.
  if (response.status >= 500 && !(injectedFaults && response.status === 503)) {
    const { pathname } = new URL(request.url);
    console.warn(`[5xx] ${response.status} ${request.method} ${pathname.slice(0, 80)}`);
  }
  return response;
}

/** Through the real worker entry with the configured bindings. */
export async function callWorker(request: Request): Promise<Response> {
  const sent = sentRequest(request);
  return tapOpenApi(sent, note5xx(request, await exports.default.fetch(request)));
}

/**
 * Through the real worker entry with some bindings replaced (config variants, faults). With
 * `injectedFaults`, the 503s the test's own faults cause are not printed (other 5xx still are):
 * the replay suite makes thousands of them on purpose and checks the end state instead.
 */
export function withBindings(
  overrides: Bindings,
  opts: { injectedFaults?: boolean } = {},
): (request: Request) => Promise<Response> {
  const bindings = { ...env, ...overrides };
  return async (request) => {
    const sent = sentRequest(request);
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      request as Parameters<typeof worker.fetch>[0],
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return tapOpenApi(sent, note5xx(request, response, opts.injectedFaults));
  };
}

export function accessRequest(
  body: unknown,
  init: { key?: string | null; raw?: boolean } = {},
): Request {
  const headers = new Headers({ 'content-type': 'application/json' });
  const key = init.key === undefined ? API_KEY : init.key;
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  return new Request(`${BASE}/_paywall/v1/access`, {
    method: 'POST',
    headers,
    body: init.raw ? (body as string) : JSON.stringify(body),
  });
}

/** The response body, typed from the same zod schema the route uses. */
export type AccessBody = AccessResponse;

let counter = 0;
/** An article id unique to this test run. */
export function articleId(label = 'story'): string {
  counter += 1;
  return `2026/11/${label}-${counter}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Reads `articles` in order as one reader and returns every answer. */
export async function readInOrder(
  fetcher: (request: Request) => Promise<Response>,
  articles: string[],
  readerId?: string,
): Promise<AccessBody[]> {
  const answers: AccessBody[] = [];
  let id = readerId;
  for (const article of articles) {
    const response = await fetcher(
      accessRequest({ article: { id: article }, reader: id ? { id } : {} }),
    );
    const body = (await response.json()) as AccessBody;
    answers.push(body);
    id = body.reader.id;
  }
  return answers;
}
