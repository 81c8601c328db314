import { ARTICLES, type DemoArticle } from './articles';
import { escapeHtml, firstSentence, longDate } from './html';
import { SECTIONS, SITE_NAME, sectionLabel, simplePage } from './layout';

// The front page and the 404 page. Neither is an article page: no `<article class="article">`,
// so the paywall proxies them untouched and never meters them.

export function indexPage(): string {
  const groups = SECTIONS.map((section) => {
    const articles = ARTICLES.filter((a) => a.section === section).sort((a, b) =>
      b.published.localeCompare(a.published),
    );
    if (articles.length === 0) return '';
    return (
      `<section class="section-group" id="section-${section}">\n` +
      `<h2>${sectionLabel(section)}</h2>\n<ul class="article-list">\n` +
      `${articles.map(listItem).join('')}</ul>\n</section>\n`
    );
  });
  return simplePage(`${SITE_NAME} – News from Riverside`, `${groups.join('')}`);
}

function listItem(article: DemoArticle): string {
  return (
    `<li data-section="${escapeHtml(article.section)}">` +
    `<a href="${escapeHtml(article.path)}">${escapeHtml(article.headline)}</a>` +
    `<p class="teaser"><time datetime="${article.published}">${longDate(article.published)}</time> · ` +
    `${escapeHtml(firstSentence(article.paragraphs[0] ?? ''))}</p></li>\n`
  );
}

export function notFoundPage(path: string): string {
  return simplePage(
    `Page not found – ${SITE_NAME}`,
    '<h1>Page not found</h1>\n' +
      `<p>There is nothing at <code>${escapeHtml(path)}</code>. ` +
      'It may have moved, or the link may be mistyped.</p>\n' +
      '<p><a href="/">Back to the front page</a></p>\n',
  );
}
