import type { DemoArticle } from './articles';
import { escapeHtml, firstSentence } from './html';
import { SITE_NAME } from './layout';

// `/feed.xml`: RSS 2.0 with the full text of every article in `content:encoded`, as most
// news CMSs publish by default. Another place walled text leaks if the paywall forgets it.

/** XML text escaping is the same as HTML's for our purposes (&, <, >, quotes). */
const xml = escapeHtml;

/** CDATA cannot contain `]]>`; split it across two sections if it ever appears. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** `baseUrl` is where readers reach the site (feed links must be absolute). */
export function rssFeed(articles: DemoArticle[], baseUrl: string): string {
  const newestFirst = [...articles].sort((a, b) => b.published.localeCompare(a.published));
  const items = newestFirst.map((article) => {
    const link = `${baseUrl}${article.path}`;
    const html = article.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
    return (
      '<item>\n' +
      `<title>${xml(article.headline)}</title>\n` +
      `<link>${xml(link)}</link>\n` +
      `<guid isPermaLink="true">${xml(link)}</guid>\n` +
      `<pubDate>${new Date(article.published).toUTCString()}</pubDate>\n` +
      `<dc:creator>${xml(article.byline)}</dc:creator>\n` +
      `<category>${xml(article.section)}</category>\n` +
      `<description>${xml(firstSentence(article.paragraphs[0] ?? ''))}</description>\n` +
      `<content:encoded>${cdata(html)}</content:encoded>\n` +
      '</item>\n'
    );
  });
  const lastBuild = newestFirst[0]?.published ?? '2026-11-01T00:00:00.000Z';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n' +
    `<title>${xml(SITE_NAME)}</title>\n<link>${xml(`${baseUrl}/`)}</link>\n` +
    '<description>News from Riverside and the Calder valley.</description>\n' +
    `<language>en-gb</language>\n<lastBuildDate>${new Date(lastBuild).toUTCString()}</lastBuildDate>\n` +
    `${items.join('')}</channel>\n</rss>\n`
  );
}
