import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import worker from '../../src/index';
import type { AccessResponse } from '../../src/schemas/access';

export const API_KEY = 'test-key-primary-0123456789';
export const ROTATED_API_KEY = 'test-key-rotated-0123456789';
export const BASE = 'https://paywall.test';

export type Bindings = Record<string, unknown>;

/** Through the real worker entry with the configured bindings. */
export function callWorker(request: Request): Promise<Response> {
  return exports.default.fetch(request);
}

/** Through the real worker entry with some bindings replaced (config variants, faults). */
export function withBindings(overrides: Bindings): (request: Request) => Promise<Response> {
  const bindings = { ...env, ...overrides };
  return async (request) => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      request as Parameters<typeof worker.fetch>[0],
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return response;
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
