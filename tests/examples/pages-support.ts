import { env } from 'cloudflare:workers';
import { onRequest } from '../../examples/pages-middleware/functions/_middleware';
import articleHtml from '../../examples/pages-middleware/public/articles/example.html?raw';
import { type CookieJar, SITE } from './support';

/** The Pages example's static article, and its paragraphs as text. */
export { articleHtml };
export const paragraphs = [...articleHtml.matchAll(/<p>\s*([^<]+?)\s*<\/p>/g)].map((m) =>
  (m[1] as string).replace(/\s+/g, ' '),
);

const bindings = () => ({ PAYWALL_URL: env.TEST_SERVICE_URL, PAYWALL_API_KEY: 'local-dev-key' });

/**
 * A page through examples/pages-middleware's `_middleware.ts`, as Pages would call it: its
 * `context.next()` serves the example's static article page.
 */
export async function visitPages(
  path: string,
  jar: CookieJar,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (jar.header()) headers.set('cookie', jar.header());
  const request = new Request(`${SITE}${path}`, { ...init, headers });
  const context = {
    request,
    env: bindings(),
    params: {},
    data: {},
    functionPath: path,
    next: async () =>
      new Response(articleHtml, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
    waitUntil: () => {},
    passThroughOnException: () => {},
  } as unknown as Parameters<typeof onRequest>[0];
  const response = await onRequest(context);
  jar.take(response);
  return response;
}

/** The page's text with whitespace runs folded, as `paragraphs` are. */
export const pageText = async (response: Response) => (await response.text()).replace(/\s+/g, ' ');
