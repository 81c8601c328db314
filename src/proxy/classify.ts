import type { ProxyConfig } from './config';

/** What kind of page a path is, decided from the URL alone (before the origin answers). */
export type PageKind =
  | { kind: 'article'; articleId: string; canonicalPath: string; variant: 'page' | 'alternate' }
  | { kind: 'feed' }
  | { kind: 'other' };

/**
 * Classified on the path an origin would most likely serve the same thing for: repeated
 * slashes collapsed, a trailing slash dropped, escaped unreserved characters (`%2E`, `%61`)
 * decoded, and either case. Otherwise `/feed.xml/`, `/FEED.XML` or `/2026/11/story/` would
 * be "other" pages and pass through whole from an origin that is lenient about them.
 */
export function classifyPath(pathname: string, config: ProxyConfig): PageKind {
  const path = normalisePath(pathname);
  // `/2026/11/story/index.html` is `/2026/11/story/` on a static host: the same article, with
  // the same id (metered once). Anything that is not an article without its index document
  // is classified as spelled, so stripping can only ever add a wall, never remove one.
  const withoutIndex = stripIndexDocument(path);
  if (withoutIndex !== path) {
    const page = classifyNormalised(withoutIndex, config);
    if (page.kind !== 'other') return page;
  }
  return classifyNormalised(path, config);
}

function classifyNormalised(path: string, config: ProxyConfig): PageKind {
  const lower = path.toLowerCase();
  if (config.feedPaths.some((feed) => normalisePath(feed).toLowerCase() === lower))
    return { kind: 'feed' };
  let canonicalPath = path;
  let variant: 'page' | 'alternate' = 'page';
  for (const prefix of config.alternatePrefixes) {
    if (lower.startsWith(`${prefix.toLowerCase()}/`)) {
      canonicalPath = path.slice(prefix.length);
      variant = 'alternate';
      break;
    }
  }
  const matches = (candidate: string) => config.articlePaths.some((p) => p.regex.test(candidate));
  if (!matches(canonicalPath) && !matches(canonicalPath.toLowerCase())) return { kind: 'other' };
  // The AMP or print version is the same article: reading both counts once.
  const articleId = canonicalPath.replace(/^\/+|\/+$/g, '');
  return articleId ? { kind: 'article', articleId, canonicalPath, variant } : { kind: 'other' };
}

/**
 * A trailing directory index document (`index.html`, `INDEX.HTM`, `default.aspx`, the bare
 * `index` content negotiation serves), repeated or not: the folder a server answers it for.
 */
const INDEX_DOCUMENT = /(?:\/(?:index|default)(?:\.(?:html?|shtml|xhtml|php\d?|aspx?|jsp))?)+$/i;

function stripIndexDocument(path: string): string {
  const stripped = path.replace(INDEX_DOCUMENT, '');
  return stripped === '' ? '/' : stripped;
}

export function normalisePath(pathname: string): string {
  const decoded = pathname.replace(/%([0-9a-f]{2})/gi, (escaped, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : escaped;
  });
  const collapsed = decoded.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}
