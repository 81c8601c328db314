import type { ProxyConfig } from './config';

/** What kind of page a path is, decided from the URL alone (before the origin answers). */
export type PageKind =
  | { kind: 'article'; articleId: string; canonicalPath: string; variant: 'page' | 'alternate' }
  | { kind: 'feed' }
  | { kind: 'other' };

export function classifyPath(pathname: string, config: ProxyConfig): PageKind {
  if (config.feedPaths.includes(pathname)) return { kind: 'feed' };
  let canonicalPath = pathname;
  let variant: 'page' | 'alternate' = 'page';
  for (const prefix of config.alternatePrefixes) {
    if (pathname.startsWith(`${prefix}/`)) {
      canonicalPath = pathname.slice(prefix.length);
      variant = 'alternate';
      break;
    }
  }
  if (!config.articlePaths.some((p) => p.regex.test(canonicalPath))) return { kind: 'other' };
  // The AMP or print version is the same article: reading both counts once.
  const articleId = canonicalPath.replace(/^\/+|\/+$/g, '');
  return articleId ? { kind: 'article', articleId, canonicalPath, variant } : { kind: 'other' };
}
