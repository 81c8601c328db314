import type { ProxyConfig } from './config';
import { paywallJsonLd, WALLED_CLASS } from './json-ld';

/**
 * The article page, rewritten as it streams (HTMLRewriter never buffers the page):
 * - walled: the lead paragraphs stay, every later part of the article body is removed, the
 *   wall prompt takes its place, and everything else that can carry the full text (JSON-LD
 *   `articleBody`, inline hydration scripts, AMP links) is removed or cleaned;
 * - granted: the page passes whole, with the meter notice and the live support prompt;
 * - crawler: the page passes whole, the walled part marked for the paywall structured data.
 */
export type RewriteMode = 'walled' | 'granted' | 'crawler';

export interface RewritePlan {
  mode: RewriteMode;
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
  let rewriter = new HTMLRewriter().on(
    'script[type="application/ld+json"]',
    jsonLdHandler(mode === 'walled'),
  );

  if (mode === 'walled') {
    for (const selector of config.removeOnWall)
      rewriter = rewriter.on(selector, { element: (el) => void el.remove() });
  }

  // Children of the article body: count paragraphs; after the lead, cut (or mark) the rest.
  let paragraphs = 0;
  let cut = false;
  let promptPlaced = false;
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

/** Collects a JSON-LD script's text as it streams and writes the cleaned version once. */
function jsonLdHandler(stripText: boolean): HTMLRewriterElementContentHandlers {
  let buffer = '';
  return {
    text(chunk) {
      buffer += chunk.text;
      if (chunk.lastInTextNode) {
        chunk.replace(paywallJsonLd(buffer, { stripText }), { html: true });
        buffer = '';
      } else {
        chunk.remove();
      }
    },
  };
}
