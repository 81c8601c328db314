import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { ErrorEnvelopeSchema } from '../../src/schemas/error';

// Shared checks of the fuzz suite: every answer, whatever the request.

/** Hosts the worker may fetch: the configured origin(s), Redis and Stripe. */
export function allowedHosts(extra: string[] = []): Set<string> {
  return new Set(
    [env.ORIGIN_URL, env.UPSTASH_REDIS_REST_URL, env.STRIPE_API_BASE, ...extra].map(
      (u) => new URL(u).host,
    ),
  );
}

/**
 * Records every host fetched from this isolate (the worker runs in it through withBindings)
 * while `run` runs; the canary's own count is read before and after too.
 */
export async function watchingFetches<T>(
  run: () => Promise<T>,
): Promise<{ result: T; hosts: Set<string> }> {
  const hosts = new Set<string>();
  const original = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    try {
      hosts.add(new URL(url).host);
    } catch {
      hosts.add(`unparsable:${url.slice(0, 40)}`);
    }
    return original(input, init);
  }) as typeof fetch;
  try {
    return { result: await run(), hosts };
  } finally {
    globalThis.fetch = original;
  }
}

export const canaryHits = async (): Promise<number> =>
  ((await (await fetch(`${env.TEST_CANARY_URL}/__count`)).json()) as { hits: number }).hits;

/** No 5xx; a non-2xx JSON answer is the error envelope. Returns the body text. */
export async function expectWellFormed(
  response: Response,
  method = 'GET',
  envelope = true,
): Promise<string> {
  const text = await response.text();
  expect(response.status, text.slice(0, 200)).toBeLessThan(500);
  const type = response.headers.get('content-type') ?? '';
  const failed = response.status < 200 || response.status > 299;
  if (envelope && failed && /json/i.test(type) && method.toUpperCase() !== 'HEAD') {
    const parsed = ErrorEnvelopeSchema.safeParse(JSON.parse(text));
    expect(parsed.success, `${response.status} ${text.slice(0, 200)}`).toBe(true);
  }
  return text;
}
