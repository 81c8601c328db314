import {
  createPaywallClient,
  isPaywallPath,
  isPrefetchRequest,
  type PaywallClient,
  withDecision,
} from 'edge-paywall/client';
import { ARTICLES, findArticle } from './articles';
import { articlePage, indexPage } from './page';

/**
 * A site's own Worker that gates its own pages through the paywall service: the service is
 * asked, never put in front. Subscribers are verified here against the JWKS (no call);
 * everyone else costs one access API call; the prompt's forms go through `forward`.
 */
export interface Env {
  /** Where the paywall service runs (`npm start`: http://127.0.0.1:8787). */
  PAYWALL_URL: string;
  /** A site API key: `wrangler secret put PAYWALL_API_KEY` in production. */
  PAYWALL_API_KEY: string;
}

// One client per isolate, kept at module scope: its JWKS cache is what keeps subscribers free.
const clients = new Map<string, PaywallClient>();
function paywall(env: Env): PaywallClient {
  const key = `${env.PAYWALL_URL} ${env.PAYWALL_API_KEY}`;
  let client = clients.get(key);
  if (!client) {
    client = createPaywallClient({ baseUrl: env.PAYWALL_URL, apiKey: env.PAYWALL_API_KEY });
    clients.set(key, client);
  }
  return client;
}

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const client = paywall(env);
    if (isPaywallPath(request.url)) return client.forward(request);

    const url = new URL(request.url);
    if (url.pathname === '/') return html(indexPage(ARTICLES));
    const slug = /^\/articles\/([a-z0-9-]+)$/.exec(url.pathname)?.[1];
    const article = slug ? findArticle(slug) : undefined;
    if (!article) return html('<h1>Not found</h1>', 404);

    const decision = await client.decide(
      request,
      { id: `articles/${article.slug}`, section: article.section },
      // Only a real view counts: a HEAD or a prefetch is no new read. Anyone can send a
      // prefetch header, so not counting means not showing: the answer is then a peek, and
      // the page shows the lead only (page.ts). The navigation that follows counts.
      { consume: request.method === 'GET' && !isPrefetchRequest(request) },
    );
    // Subscribers get the article alone, a peek gets no prompt, and when the service did not
    // answer we do not wait on it twice; everyone else gets the prompt (walled) or the
    // support box (granted).
    const prompt =
      decision.reason === 'subscriber' ||
      decision.source === 'fallback' ||
      decision.access === 'peek'
        ? null
        : await client.prompt(decision, { returnTo: url.pathname });
    return withDecision(html(articlePage(article, decision, prompt)), decision);
  },
} satisfies ExportedHandler<Env>;
