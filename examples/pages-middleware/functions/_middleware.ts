import {
  createPaywallClient,
  isPaywallPath,
  isPrefetchRequest,
  type PaywallClient,
  showsFullText,
  withDecision,
} from 'edge-paywall/client';

/**
 * Cloudflare Pages middleware: the paywall in front of a static site, with no proxy in
 * between. Pages serves the article; this decides who may read it and walls it as it streams.
 */

/** Which paths are articles. Everything else (home page, assets) is served untouched. */
const ARTICLE_PATH = /^\/articles\/./;
/**
 * The element whose direct children are the article's paragraphs. If it matches nothing, or
 * the paragraphs sit deeper (`article > div > p`), nothing is walled: check after changing it.
 */
const ARTICLE_SELECTOR = 'article';
/** Paragraphs a walled reader still sees (the service's default, `leadParagraphs`). */
const LEAD_PARAGRAPHS = 2;

interface Env {
  PAYWALL_URL: string;
  PAYWALL_API_KEY: string;
}

// One client per isolate, made on the first request (Pages hands `env` to each request,
// not to module scope). Keeping it alive keeps jose's JWKS cache: subscribers cost no call.
let cached: PaywallClient | undefined;
function paywall(env: Env): PaywallClient {
  if (!env.PAYWALL_URL || !env.PAYWALL_API_KEY) {
    throw new Error('Set PAYWALL_URL and PAYWALL_API_KEY for the paywall middleware.');
  }
  cached ??= createPaywallClient({ baseUrl: env.PAYWALL_URL, apiKey: env.PAYWALL_API_KEY });
  return cached;
}

export const onRequest: PagesFunction<Env> = async (context) => {
  const { request, env } = context;
  const url = new URL(request.url);
  // The prompt's forms and the portal post to /_paywall/* on the site's own host, so the
  // service's cookies land on this domain.
  if (isPaywallPath(url)) return paywall(env).forward(request);
  if (!ARTICLE_PATH.test(url.pathname)) return context.next();

  // The page first: a redirect, a 404 or a HEAD costs the reader no free article.
  const page = await context.next();
  const isHtml = page.headers.get('content-type')?.includes('text/html') ?? false;
  if (request.method !== 'GET' || page.status !== 200 || !isHtml) return page;

  // `request.cf` is there on Pages, so the client takes the reader's IP from
  // CF-Connecting-IP itself (no `ip` option needed) for the verified-crawler check.
  const client = paywall(env);
  // A prefetch is no read, so it does not count; anyone can send its header, so what is not
  // counted is not shown either: the answer is a peek, and a peek gets the lead only.
  const decision = await client.decide(
    request,
    { id: url.pathname, url: url.href },
    { consume: !isPrefetchRequest(request) },
  );
  if (showsFullText(decision)) return withDecision(page, decision);
  const prompt =
    decision.access === 'peek' ? '' : await client.prompt(decision, { returnTo: url.pathname });
  return withDecision(wall(page, prompt ?? ''), decision);
};

/**
 * Keeps the lead paragraphs, removes every later part of the article and puts the prompt in
 * their place (or at the end of the article when it is short). HTMLRewriter streams, so the
 * walled text is dropped as it passes and is never sent.
 */
function wall(page: Response, promptHtml: string): Response {
  let paragraphs = 0;
  let cut = false;
  let placed = false;
  const place = (at: Element | EndTag) => {
    if (placed) return;
    at.before(promptHtml, { html: true });
    placed = true;
  };
  return (
    new HTMLRewriter()
      // Structured data may carry the full text (`articleBody`): it goes too.
      .on('script[type="application/ld+json"]', { element: (el) => void el.remove() })
      .on(`${ARTICLE_SELECTOR} > *`, {
        element(el) {
          if (!cut && paragraphs >= LEAD_PARAGRAPHS) cut = true;
          if (el.tagName === 'p') paragraphs += 1;
          if (!cut) return;
          place(el);
          el.remove();
        },
      })
      .on(ARTICLE_SELECTOR, {
        // Loose text between the article's elements, once past the cut.
        text(text) {
          if (cut) text.remove();
        },
        element: (el) => void el.onEndTag((end) => place(end)),
      })
      .transform(page)
  );
}
