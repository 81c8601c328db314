import { type ArticlePageInput, articleElement, jsonLd } from './article-page';
import { escapeHtml } from './html';
import { headOpen, SITE_NAME } from './layout';
import { SITE_CSS } from './styles';

// The alternate versions real news sites publish, each carrying the full text: an AMP page
// (for search carousels) and a print view. A paywall that walls only the canonical page
// leaks the article through these, so the demo has them. Both reuse the canonical
// `<article class="article" data-article-id=…>` element, with the canonical article's id,
// so the paywall can recognise and treat them as the same article.

/** `/amp/2026/11/slug`: AMP-style (no custom scripts, `<style amp-custom>`), with JSON-LD. */
export function* ampPage(page: ArticlePageInput): Generator<string> {
  yield '<!doctype html><html ⚡ lang="en"><head>\n' +
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width">\n' +
    `<title>${escapeHtml(`${page.headline} – ${SITE_NAME}`)}</title>\n` +
    `<link rel="canonical" href="${escapeHtml(page.path)}">\n`;
  yield* jsonLd(page);
  yield `<style amp-custom>\n${SITE_CSS}\n</style>\n</head><body>\n` +
    `<header class="site-header"><a href="/">${SITE_NAME}</a></header>\n<main>\n`;
  yield* articleElement(page);
  yield '</main>\n</body></html>\n';
}

/** `/print/2026/11/slug`: the bare article for printing, kept out of search indexes. */
export function* printPage(page: ArticlePageInput): Generator<string> {
  yield headOpen(`${page.headline} – ${SITE_NAME} (print)`) +
    '<meta name="robots" content="noindex">\n' +
    `<link rel="canonical" href="${escapeHtml(page.path)}">\n` +
    `<style>\n${SITE_CSS}\nmain { max-width: none; }\n</style>\n</head><body class="print">\n` +
    `<p>${SITE_NAME} · printed from ${escapeHtml(page.path)}</p>\n<main>\n`;
  yield* articleElement(page);
  yield '</main>\n</body></html>\n';
}
