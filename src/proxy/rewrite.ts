import type { ProxyConfig } from './config';
import { paywallJsonLd, paywallOnlyJsonLd, WALLED_CLASS } from './json-ld';

/**
 * The article page, rewritten as it streams (HTMLRewriter never buffers the page):
 * - walled: the lead paragraphs stay, every later part of the article body is removed, the
 *   wall prompt takes its place, and everything else that can carry the full text (the
 *   site's JSON-LD, inline hydration scripts, AMP links) is removed as it streams; a small
 *   JSON-LD block carries the paywall markup instead;
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
  const body = `${config.articleSelector} ${config.bodySelector}`;
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

  // Children of the article body: count paragraphs; after the lead, cut (or mark) the rest.
  let paragraphs = 0;
  let cut = false;
  let promptPlaced = false;
  // Only walled and crawler pages need this: on a granted page it would run once per
  // paragraph for nothing (25,000 times on a 5 MB article).
  if (mode !== 'granted')
    rewriter = rewriter.on(`${body} > *`, {
      element(el) {
        if (!cut && paragraphs >= plan.leadParagraphs) cut = true;
        if (el.tagName === 'p') paragraphs += 1;
        if (!cut) return;
        if (mode === 'walled') {
          if (!promptPlaced) {
            el.before(plan.promptHtml, { html: true });
            promptPlaced = true;
          }
          el.remove();
        } else if (mode === 'crawler') {
          el.setAttribute('class', `${el.getAttribute('class') ?? ''} ${WALLED_CLASS}`.trim());
        }
      },
    });
  if (mode === 'walled') {
    rewriter = rewriter
      // Loose text between the body's elements goes too, once the cut is reached.
      .on(body, {
        text(text) {
          if (cut) text.remove();
        },
        element(el) {
          el.onEndTag((end) => {
            if (!promptPlaced) {
              end.before(plan.promptHtml, { html: true });
              promptPlaced = true;
            }
          });
        },
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
  return rewriter.transform(response);
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
