import { ampPage, printPage } from './alternates';
import { articlePage, pageInput } from './article-page';
import { ARTICLES, findArticle } from './articles';
import { BENCH_PATH, benchArticle, MAX_KB, MIN_KB, parseKb } from './bench';
import { rssFeed } from './feed';
import { indexPage, notFoundPage } from './index-page';
import { FAVICON_ICO, ROBOTS_TXT, SITE_CSS } from './static';

// Path → response, with no HTTP plumbing (that is server.ts), so every route is a plain
// function of the URL.

export type ReplyBody = string | Uint8Array | { stream: Iterable<string> };

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: ReplyBody;
}

const HTML = 'text/html; charset=utf-8';
/** Pages are the same for every reader, so a shared cache (the edge) may keep them briefly. */
const PAGE_CACHE = 'public, max-age=60';
const ASSET_CACHE = 'public, max-age=3600';

const page = (body: ReplyBody, type = HTML): Reply => ({
  status: 200,
  headers: { 'content-type': type, 'cache-control': PAGE_CACHE },
  body,
});

/** `baseUrl` is how the reader reached us, for the feed's absolute links. */
export function route(url: URL, baseUrl: string): Reply {
  const path = url.pathname;
  switch (path) {
    case '/':
      return page(indexPage());
    case '/feed.xml':
      return page(rssFeed(ARTICLES, baseUrl), 'application/rss+xml; charset=utf-8');
    case '/robots.txt':
      return asset(ROBOTS_TXT, 'text/plain; charset=utf-8');
    case '/static/site.css':
      return asset(SITE_CSS, 'text/css; charset=utf-8');
    case '/favicon.ico':
      return asset(FAVICON_ICO, 'image/x-icon');
    case BENCH_PATH:
      return bench(url);
  }
  const article = findArticle(path);
  if (article) return page(whole(articlePage(pageInput(article))));
  const amp = path.startsWith('/amp/') && findArticle(path.slice('/amp'.length));
  if (amp) return page(whole(ampPage(pageInput(amp))));
  const print = path.startsWith('/print/') && findArticle(path.slice('/print'.length));
  if (print) return page(whole(printPage(pageInput(print))));
  return {
    status: 404,
    headers: { 'content-type': HTML, 'cache-control': 'no-store' },
    body: notFoundPage(path),
  };
}

/** Small pages are sent whole, with a content-length, as a CMS behind a cache would. */
function whole(pieces: Iterable<string>): string {
  return [...pieces].join('');
}

function asset(body: string | Uint8Array, type: string): Reply {
  return { status: 200, headers: { 'content-type': type, 'cache-control': ASSET_CACHE }, body };
}

/** Streamed: a 5 MB page goes out in pieces as it is generated (chunked, no content-length). */
function bench(url: URL): Reply {
  const kb = parseKb(url.searchParams.get('kb'));
  if (kb === null) {
    return {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: `kb must be an integer from ${MIN_KB} to ${MAX_KB}\n`,
    };
  }
  return page({ stream: articlePage(benchArticle(kb)) });
}
