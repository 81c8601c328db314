import type { AccessRule } from './config';

/** What the site's rules say about one article, before the meter is asked. */
export type ArticleAccess = 'free' | 'premium' | 'metered';

export interface ArticleRef {
  id: string;
  url?: string | undefined;
  section?: string | undefined;
}

/**
 * Pure: the first rule whose every given condition matches decides; no match is metered.
 * Paths are matched on the article URL's pathname, or on `/<id>` when no URL is given.
 */
export function classifyArticle(article: ArticleRef, rules: readonly AccessRule[]): ArticleAccess {
  const path = articlePath(article);
  for (const rule of rules) {
    if (rule.pathRegex && !rule.pathRegex.test(path)) continue;
    if (rule.match.section !== undefined && rule.match.section !== article.section) continue;
    return rule.access;
  }
  return 'metered';
}

function articlePath(article: ArticleRef): string {
  if (article.url) {
    try {
      return new URL(article.url).pathname;
    } catch {
      // validated upstream; fall through to the id for safety
    }
  }
  return article.id.startsWith('/') ? article.id : `/${article.id}`;
}
