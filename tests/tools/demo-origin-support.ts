import { env } from 'cloudflare:workers';

// Shared by the demo-origin tests, which run inside workerd against the demo site started
// in Node (tests/global-setup.ts passes its URL as TEST_ORIGIN_URL). Pages are read with
// workerd's own HTMLRewriter, the same parser the paywall uses, so "the structure the
// paywall relies on" is checked by the thing that relies on it.

const bindings = env as unknown as Record<string, string | undefined>;
export const ORIGIN_URL = bindings.TEST_ORIGIN_URL ?? '';
/** Until a config provides the server, the tests are skipped. */
export const AVAILABLE = ORIGIN_URL !== '';

export interface ScannedPage {
  /** Attributes of `article.article`, or null when the page has none. */
  article: { id: string | null; section: string | null } | null;
  h1: string;
  /** Raw (still HTML-escaped) text of each `<p>` in `.article-body`. */
  paragraphs: string[];
  dateline: string;
  byline: string;
  supportHeading: string;
  commentsHeading: string;
  jsonLd: string[];
  /** Text of inline scripts without a type (hydration data). */
  scripts: string[];
  links: Record<string, string>;
}

/** Runs a page through HTMLRewriter and collects what the paywall's selectors would see. */
export async function scan(html: string): Promise<ScannedPage> {
  const page: ScannedPage = {
    article: null,
    h1: '',
    paragraphs: [],
    dateline: '',
    byline: '',
    supportHeading: '',
    commentsHeading: '',
    jsonLd: [],
    scripts: [],
    links: {},
  };
  const text = (set: (chunk: string) => void) => ({
    text(chunk: Text) {
      set(chunk.text);
    },
  });
  const last = <T>(list: T[]) => list.length - 1;
  await new HTMLRewriter()
    .on('article.article', {
      element(el) {
        page.article = {
          id: el.getAttribute('data-article-id'),
          section: el.getAttribute('data-section'),
        };
      },
    })
    .on(
      'article.article h1',
      text((t) => (page.h1 += t)),
    )
    .on(
      'article.article .dateline',
      text((t) => (page.dateline += t)),
    )
    .on(
      'article.article .byline',
      text((t) => (page.byline += t)),
    )
    .on('.article-body p', {
      element() {
        page.paragraphs.push('');
      },
      text(chunk) {
        page.paragraphs[last(page.paragraphs)] += chunk.text;
      },
    })
    .on(
      'aside.support-box h2',
      text((t) => (page.supportHeading += t)),
    )
    .on(
      'section.comments h2',
      text((t) => (page.commentsHeading += t)),
    )
    .on('script[type="application/ld+json"]', {
      element() {
        page.jsonLd.push('');
      },
      text(chunk) {
        page.jsonLd[last(page.jsonLd)] += chunk.text;
      },
    })
    .on('script:not([type])', {
      element() {
        page.scripts.push('');
      },
      text(chunk) {
        page.scripts[last(page.scripts)] += chunk.text;
      },
    })
    .on('link[rel]', {
      element(el) {
        page.links[el.getAttribute('rel') ?? ''] = el.getAttribute('href') ?? '';
      },
    })
    .transform(new Response(html))
    .text();
  return page;
}

/** `window.__ARTICLE_DATA__ = {…};` → the object. */
export function hydrationData(script: string): { id: string; body: string[] } {
  const json = script.replace(/^\s*window\.__ARTICLE_DATA__\s*=\s*/, '').replace(/;\s*$/, '');
  return JSON.parse(json);
}

export function get(path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${ORIGIN_URL}${path}`, init);
}
