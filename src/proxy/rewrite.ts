import type { ProxyConfig } from './config';
import { paywallJsonLd, paywallOnlyJsonLd, WALLED_CLASS } from './json-ld';
import { addWall } from './wall';

/**
 * The article page, rewritten as it streams (HTMLRewriter never buffers the page):
 * - walled: the lead paragraphs stay, the rest of the article body is removed, the wall
 *   prompt takes its place, and everything else that can carry the full text (the site's
 *   JSON-LD, inline hydration scripts, AMP links, text the selectors cannot place) is removed
 *   as it streams (wall.ts: it fails closed); a small JSON-LD block carries the paywall
 *   markup instead;
 * - granted: the page passes whole (its JSON-LD untouched), with the meter notice and the
 *   live support prompt;
 * - crawler: the page passes whole, the walled part marked, the site's JSON-LD merged with
 *   the paywall markup (the only mode that reads a JSON-LD block whole: crawlers are few,
 *   and a full-text `articleBody` can be as long as the article).
 */
export type RewriteMode = 'walled' | 'granted' | 'crawler';

export interface RewritePlan {
  mode: RewriteMode;
  /** The article's canonical URL, for the walled page's paywall JSON-LD. */
  url: string;
  /** Our styles, appended to <head> when a prompt or notice is injected. */
  stylesHtml: string;
  leadParagraphs: number;
  /** The wall prompt (walled) or the live support prompt (granted). */
  promptHtml: string;
  /** The "N of 3 free articles left" notice, for metered reads. */
  noticeHtml: string | null;
  config: ProxyConfig;
}

export function rewriteArticle(response: Response, plan: RewritePlan): Response {
  const { config, mode } = plan;
  let rewriter = new HTMLRewriter();
  const ld = 'script[type="application/ld+json"]';
  if (mode === 'crawler') rewriter = rewriter.on(ld, mergeJsonLd());
  if (mode === 'walled') {
    rewriter = rewriter.on(ld, { element: (el) => void el.remove() });
    for (const selector of config.removeOnWall) {
      rewriter = rewriter.on(selector, { element: (el) => void el.remove() });
    }
  }
  if (mode !== 'crawler') {
    const walledLd =
      mode === 'walled'
        ? `<script type="application/ld+json">${paywallOnlyJsonLd(plan.url)}</script>`
        : '';
    rewriter = rewriter.on('head', {
      element: (el) => void el.append(`${plan.stylesHtml}${walledLd}`, { html: true }),
    });
  }

  if (mode === 'crawler') rewriter = markWalledParagraphs(rewriter, plan);
  if (mode === 'walled') {
    rewriter = addWall(rewriter, {
      config,
      leadParagraphs: plan.leadParagraphs,
      promptHtml: plan.promptHtml,
      path: new URL(plan.url).pathname,
    })
      // The site's static box would be a second prompt under the wall.
      .on(config.supportBoxSelector, { element: (el) => void el.remove() });
  }
  if (mode === 'granted') {
    rewriter = rewriter.on(config.supportBoxSelector, {
      element: (el) => void el.replace(plan.promptHtml, { html: true }),
    });
    const notice = plan.noticeHtml;
    if (notice)
      rewriter = rewriter.on('body', { element: (el) => void el.prepend(notice, { html: true }) });
  }
  const rewritten = rewriter.transform(response);
  return mode === 'walled' ? servedAsHtml(rewritten, response) : rewritten;
}

/**
 * The wall reads the page as HTML, so the reader's browser must too: served as XHTML, an XML
 * parser would read markup such as `<script src="…"/>` differently from the wall (as an empty
 * element, showing the text the wall took for script source).
 */
function servedAsHtml(rewritten: Response, origin: Response): Response {
  const headers = new Headers(rewritten.headers);
  const charset = /charset=["']?([A-Za-z0-9_.:-]{1,40})/i.exec(
    origin.headers.get('content-type') ?? '',
  )?.[1];
  headers.set('content-type', `text/html; charset=${charset ?? 'utf-8'}`);
  return new Response(rewritten.body, {
    status: rewritten.status,
    statusText: rewritten.statusText,
    headers,
  });
}

/**
 * Crawlers read the whole page; the paragraphs after the lead, wherever they sit in the
 * body, carry the class the paywall structured data points at. Only crawler pages pay for
 * this per-paragraph handler: on a granted page it would run 25,000 times on a 5 MB article.
 */
function markWalledParagraphs(rewriter: HTMLRewriter, plan: RewritePlan): HTMLRewriter {
  const { config } = plan;
  let paragraphs = 0;
  return rewriter.on(`${config.bodySelector} ${config.paragraphSelector}`, {
    element(el) {
      paragraphs += 1;
      if (paragraphs <= plan.leadParagraphs) return;
      el.setAttribute('class', `${el.getAttribute('class') ?? ''} ${WALLED_CLASS}`.trim());
    },
  });
}

/** Collects a JSON-LD script's text and writes it back with the paywall markup merged in. */
function mergeJsonLd(): HTMLRewriterElementContentHandlers {
  let buffer = '';
  return {
    text(chunk) {
      buffer += chunk.text;
      if (chunk.lastInTextNode) {
        chunk.replace(paywallJsonLd(buffer, { stripText: false }), { html: true });
        buffer = '';
      } else {
        chunk.remove();
      }
    },
  };
}
