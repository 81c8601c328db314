import { z } from 'zod';
import { compilePathGlob } from '../rules/glob';

/**
 * How the proxy recognises and rewrites the site's pages. Article pages are recognised by
 * URL (globs), because the access decision (and the one meter command) must be made before
 * the first byte of the page streams out; selectors then find the parts to rewrite.
 */
const glob = z
  .string()
  .startsWith('/')
  .max(256)
  .transform((g) => ({ glob: g, regex: compilePathGlob(g) }));

export const proxyConfigSchema = z
  .object({
    /** Paths of article pages (default: /yyyy/mm/slug). */
    articlePaths: z
      .array(glob)
      .max(50)
      .default(['/*/*/*'].map((g) => ({ glob: g, regex: compilePathGlob(g) }))),
    /** Alternate versions of an article, metered as the article itself: /amp/2026/11/x. */
    alternatePrefixes: z
      .array(z.string().regex(/^\/[a-z0-9-]+$/))
      .max(10)
      .default(['/amp', '/print']),
    /** Full-text feeds: article bodies are removed from them for everyone. */
    feedPaths: z.array(z.string().startsWith('/').max(256)).max(10).default(['/feed.xml']),
    /** The article element, and the element holding its paragraphs. */
    articleSelector: z.string().min(1).max(200).default('article'),
    bodySelector: z.string().min(1).max(200).default('.article-body'),
    /**
     * The elements that count as paragraphs inside the body (wrappers around them are fine):
     * the first `leadParagraphs` of them are the free lead on a walled page.
     */
    paragraphSelector: z.string().min(1).max(200).default('p'),
    /** Inside the article but outside its body: the parts a walled page keeps (headline, byline). */
    keepSelector: z
      .string()
      .min(1)
      .max(200)
      .default('h1, h2, h3, header, time, figcaption, .byline, .dateline'),
    /**
     * Outside the article: the site's chrome, kept on a walled page even before the article's
     * body has been seen. Any other text before the body is removed, so a page whose article
     * or body the selectors miss is walled whole rather than shown.
     */
    chromeSelector: z.string().min(1).max(200).default('header, nav, footer'),
    /**
     * Article paths (globs) whose non-GET/HEAD requests go to the origin as they are (a comment
     * form posting to the article's own URL). Elsewhere on article paths they get a 405.
     */
    methodPassThroughPaths: z.array(glob).max(50).default([]),
    /** The site's static support box ("Be Part of Quality Journalism"), made live. */
    supportBoxSelector: z.string().min(1).max(200).default('.support-box'),
    /** Removed from walled pages: data that can carry the full text (hydration, AMP links). */
    removeOnWall: z
      .array(z.string().min(1).max(200))
      .max(20)
      .default([
        'script:not([src]):not([type="application/ld+json"])',
        'link[rel="amphtml"]',
        'noscript',
      ]),
    /** Seconds the origin's article HTML may be cached at the edge (it is the same for everyone). */
    originCacheSeconds: z.number().int().min(0).max(86_400).default(60),
    /**
     * Seconds the origin may keep the reader waiting: for its status and headers (past it the
     * fetch is abandoned and the reader gets a 503 with Retry-After, nothing counted), and
     * then for each next piece of the body (past it the page is broken off, as if the origin
     * had reset). A hung origin never hangs the reader. Fractions allowed (tests use 1).
     */
    originTimeoutSeconds: z.number().min(0.1).max(120).default(10),
  })
  .strict();

export type ProxyConfig = z.infer<typeof proxyConfigSchema>;
