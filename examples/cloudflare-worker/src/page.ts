import { type PaywallDecision, showsFullText } from 'edge-paywall/client';
import type { Article } from './articles';

/** How many paragraphs a walled reader sees: the same default the service uses. */
export const LEAD_PARAGRAPHS = 2;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The article page. Granted: the whole article, and the prompt as a support box under it.
 * Anything else (walled, or a peek: a prefetch that counted nothing) gets the lead paragraphs
 * only; the rest is never rendered, so it cannot leak. A walled page adds the prompt.
 */
export function articlePage(article: Article, decision: PaywallDecision, prompt: string | null) {
  const full = showsFullText(decision);
  const shown = full ? article.paragraphs : article.paragraphs.slice(0, LEAD_PARAGRAPHS);
  const meter = decision.meter;
  const notice =
    full && decision.reason === 'metered' && meter
      ? `<p class="notice">${meter.remaining} of ${meter.limit} free articles left this month.</p>`
      : '';
  const fallback =
    decision.access === 'peek'
      ? '<p class="notice">Open the article to read on.</p>'
      : full
        ? ''
        : '<p class="notice">Subscribe to read the rest of this article.</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(article.headline)}</title></head>
<body><main><article><h1>${escapeHtml(article.headline)}</h1>${notice}
${shown.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
</article>${prompt ?? fallback}</main></body></html>`;
}

export function indexPage(articles: Article[]) {
  const items = articles
    .map((a) => `<li><a href="/articles/${a.slug}">${escapeHtml(a.headline)}</a></li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example site</title></head><body><main><h1>Example site</h1><ul>${items}</ul></main></body></html>`;
}
