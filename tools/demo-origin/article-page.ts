import { articleId, type DemoArticle } from './articles';
import { escapeHtml, jsonForScript, jsonStringPiece, longDate } from './html';
import { bodyClose, headCloseBodyOpen, headOpen, SITE_NAME } from './layout';

// The canonical article page: the markup the paywall's HTMLRewriter works on. Its shape is
// a contract with the proxy (and its tests), so change it only on purpose.
//
// Like many real news sites, the page carries the full text three times: in the JSON-LD
// `articleBody`, in the hydration data for the site's scripts, and in the visible body.
// The paywall has to strip all three, so the demo leaks all three.
//
// Pages are generators of string pieces: a bench article of several megabytes is streamed
// paragraph by paragraph and never exists whole in memory. `paragraphs()` is called once per
// place the text appears.

export interface ArticlePageInput {
  /** The paywall's article id: the canonical path without its leading slash. */
  id: string;
  path: string;
  section: string;
  headline: string;
  dateline: string;
  byline: string;
  published: string;
  paragraphs(): Iterable<string>;
}

export const SUPPORT_HEADING = 'Be Part of Quality Journalism';
export const SUPPORT_TEXT =
  'Reporting from council chambers, courtrooms and riverbanks takes time, travel and editors ' +
  'who check every line before it reaches you. The Riverside Courier answers to its readers ' +
  'rather than to an owner, and that only lasts while enough of them chip in. Advertising no ' +
  'longer pays for a reporter’s week, so reader support is what keeps this newsroom open.';

// One paragraph's share of each place the text appears. Exported so the bench generator can
// size a page exactly without rendering it twice.
export const ldPiece = (p: string, first: boolean) => (first ? '' : '\\n\\n') + jsonStringPiece(p);
export const dataPiece = (p: string, first: boolean) => (first ? '' : ',') + jsonForScript(p);
export const bodyPiece = (p: string) => `<p>${escapeHtml(p)}</p>\n`;

export function* articlePage(page: ArticlePageInput): Generator<string> {
  yield headOpen(`${page.headline} – ${SITE_NAME}`);
  yield `<link rel="amphtml" href="/amp${escapeHtml(page.path)}">\n`;
  yield* jsonLd(page);
  yield* hydrationData(page);
  yield headCloseBodyOpen();
  yield* articleElement(page);
  yield supportBox();
  yield commentsSection();
  yield bodyClose();
}

/** NewsArticle structured data, `articleBody` last so it can be streamed. */
export function* jsonLd(page: ArticlePageInput): Generator<string> {
  const meta = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: page.headline,
    datePublished: page.published,
    dateModified: page.published,
    author: { '@type': 'Person', name: page.byline },
    publisher: { '@type': 'Organization', name: SITE_NAME },
    articleSection: page.section,
    mainEntityOfPage: page.path,
    articleBody: '',
  };
  // `…,"articleBody":""}` without its closing `"}`: the body is streamed into the string.
  yield `<script type="application/ld+json">${jsonForScript(meta).slice(0, -2)}`;
  let first = true;
  for (const p of page.paragraphs()) {
    yield ldPiece(p, first);
    first = false;
  }
  yield '"}</script>\n';
}

/** What a client-side framework would hydrate from; real sites leak the full text here. */
function* hydrationData(page: ArticlePageInput): Generator<string> {
  const data = { id: page.id, section: page.section, headline: page.headline, body: [] };
  // `…,"body":[]}` without its closing `]}`.
  yield `<script>window.__ARTICLE_DATA__ = ${jsonForScript(data).slice(0, -2)}`;
  let first = true;
  for (const p of page.paragraphs()) {
    yield dataPiece(p, first);
    first = false;
  }
  yield ']};</script>\n';
}

/** The `<article>` element; the AMP and print views reuse it so the paywall sees one shape. */
export function* articleElement(page: ArticlePageInput): Generator<string> {
  yield `<article class="article" data-article-id="${escapeHtml(page.id)}" ` +
    `data-section="${escapeHtml(page.section)}">\n` +
    `<h1>${escapeHtml(page.headline)}</h1>\n` +
    `<p class="dateline">${escapeHtml(page.dateline.toUpperCase())}: ` +
    `<time datetime="${escapeHtml(page.published)}">${longDate(page.published)}</time></p>` +
    `<p class="byline">By ${escapeHtml(page.byline)}</p>\n` +
    '<div class="article-body">\n';
  for (const p of page.paragraphs()) yield bodyPiece(p);
  yield '</div>\n</article>\n';
}

/** The static box the paywall turns into a working prompt: a heading, three sentences, no button. */
function supportBox(): string {
  return (
    `<aside class="support-box">\n<h2>${SUPPORT_HEADING}</h2>\n` +
    `<p>${escapeHtml(SUPPORT_TEXT)}</p>\n</aside>\n`
  );
}

/** A static comment form, as on the pages we sit in front of. It posts nowhere useful. */
function commentsSection(): string {
  return (
    '<section class="comments" id="comments">\n<h2>Leave a Reply</h2>\n' +
    '<p class="comment-note">Comments are moderated. Your email address will not be published.</p>\n' +
    '<form class="comment-form" method="post" action="#comments">\n' +
    '<label for="comment-name">Name</label><input id="comment-name" name="name" required>\n' +
    '<label for="comment-email">Email</label>' +
    '<input id="comment-email" name="email" type="email" required>\n' +
    '<label for="comment-text">Comment</label>' +
    '<textarea id="comment-text" name="comment" rows="6" required></textarea>\n' +
    '<button type="submit">Post Comment</button>\n</form>\n</section>\n'
  );
}

/** A stored article as page input. */
export function pageInput(article: DemoArticle): ArticlePageInput {
  return {
    id: articleId(article),
    path: article.path,
    section: article.section,
    headline: article.headline,
    dateline: article.dateline,
    byline: article.byline,
    published: article.published,
    paragraphs: () => article.paragraphs,
  };
}
