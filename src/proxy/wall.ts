import { logEvent } from '../log';
import type { ProxyConfig } from './config';

/**
 * The wall, failing closed. Rather than cutting what the selectors point at (and showing
 * everything they miss), a walled page keeps only text it can place:
 * - the first `leadParagraphs` paragraphs inside the article body, wherever they sit in it
 *   (wrapper elements are fine);
 * - inside the article but outside its body, the parts `keepSelector` names (headline, byline);
 * - outside the article, the site's chrome (`chromeSelector`), short interface text
 *   (headings, labels, buttons, links), and the head's title and styles;
 * and removes every other text chunk as it streams: text in nested elements, in elements the
 * selectors never matched, in a page whose body or article element was renamed, in a
 * continuation after the article, and raw text (script source, textarea, template, …)
 * anywhere, chrome included. After the lead every element of the body is removed; comments go
 * everywhere; inside the article <template>, <noscript>, <script>, <textarea> (and the like)
 * go; outside the site's chrome every element keeps only an allowlist of attributes (so no
 * data-*, framework props, title or alt carries text), and the head keeps only meta tags that
 * cannot carry the article (no description).
 *
 * The prompt goes where the lead ends, else at the end of the body, of the article or of the
 * page. A page whose body selector matched nothing or kept no paragraph is logged as a
 * configuration warning (its path, any segment that is not a plain slug shown as `*`).
 */
export interface WallPlan {
  config: ProxyConfig;
  leadParagraphs: number;
  promptHtml: string;
  /** The page's path, for the configuration warning. */
  path: string;
}

/**
 * The path as the configuration warning logs it: a reader chooses the path it asks for, so
 * a segment that is not a plain slug (an e-mail, an IP address, a token, anything
 * percent-encoded or over 64 characters) is logged as `*`. Article slugs stay readable.
 */
const PLAIN_SEGMENT = /^[A-Za-z0-9_~-]+(?:\.[A-Za-z0-9]+)?$/;
function loggablePath(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      segment === '' || (segment.length <= 64 && PLAIN_SEGMENT.test(segment)) ? segment : '*',
    )
    .join('/');
}

/** Elements that can sit inside a paragraph: any other start tag ends the paragraph. */
const PHRASING = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'br',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'i',
  'img',
  'ins',
  'kbd',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
  'wbr',
]);

/** Elements whose content a reader does not see as page text, but which carry it. */
const HIDDEN_CONTENT = new Set([
  'template',
  'noscript',
  'script',
  'textarea',
  'iframe',
  'object',
  'embed',
  'xmp',
  'noembed',
  'noframes',
  'plaintext',
]);

/**
 * Elements whose content the tokenizer reads as raw text: when one arrives without a usable
 * end tag (`<script src="…"/>`), everything up to the next tag is its source, never page text.
 */
const RAW_TEXT = new Set([
  'script',
  'style',
  'title',
  'textarea',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
  'template',
]);

/** Short interface text outside the article (a comment form, related links) stays. */
const INTERFACE_TEXT = 'h1, h2, h3, h4, h5, h6, label, button, legend, a';

/**
 * The only attributes an element outside the site's chrome keeps on a walled page: what
 * layout, links, forms and images need. Anything else (data-*, framework props such as
 * Astro's `props` or Alpine's `x-data`, title, aria-label, value, …) may carry text.
 */
const KEPT_ATTRIBUTES = new Set([
  'class',
  'id',
  'style',
  'lang',
  'dir',
  'role',
  'hidden',
  'tabindex',
  'href',
  'hreflang',
  'rel',
  'target',
  'src',
  'srcset',
  'sizes',
  'width',
  'height',
  'loading',
  'decoding',
  'media',
  'type',
  'as',
  'crossorigin',
  'integrity',
  'nonce',
  'async',
  'defer',
  'charset',
  'datetime',
  'for',
  'name',
  'action',
  'method',
  'required',
  'rows',
  'cols',
  'colspan',
  'rowspan',
  'scope',
  'start',
  'reversed',
  'aria-hidden',
  'aria-labelledby',
  'aria-describedby',
  'aria-controls',
  'aria-expanded',
  'aria-current',
  'viewbox',
  'xmlns',
  'd',
  'fill',
  'stroke',
  'stroke-width',
  'points',
  'cx',
  'cy',
  'r',
  'x',
  'y',
  'transform',
]);

/** Meta tags the head keeps on a walled page (a description can be the whole article). */
const KEPT_META = new Set([
  'viewport',
  'robots',
  'googlebot',
  'referrer',
  'theme-color',
  'color-scheme',
  'format-detection',
  'og:title',
  'og:type',
  'og:url',
  'og:image',
  'og:site_name',
  'og:locale',
  'twitter:card',
  'twitter:site',
  'twitter:title',
  'twitter:image',
  'article:published_time',
  'article:modified_time',
  'article:section',
]);

export function addWall(rewriter: HTMLRewriter, plan: WallPlan): HTMLRewriter {
  const { config, leadParagraphs: lead } = plan;
  // How deep we are in each region (elements nest; end tags come back out).
  let head = 0;
  let meta = 0;
  /** Inside an element whose content is never page text (script, template, textarea, …). */
  let hidden = 0;
  /** A raw-text element came without a usable end tag: text is its source until the next tag. */
  let rawOpen = false;
  /** The `<body>` start tag has been seen: a `<head>` tag after it is a stray one. */
  let bodyStarted = false;
  let ui = 0;
  let article = 0;
  let body = 0;
  let keep = 0;
  let chrome = 0;
  let bodySeen = false;
  let kept = 0;
  /** The lead paragraph whose text is being kept (0: none), by a number of our own. */
  let openLead = 0;
  let nextId = 0;
  let cut = lead === 0;
  let promptPlaced = false;
  const prompt = plan.promptHtml;

  const place = (target: Element | EndTag) => {
    if (promptPlaced) return;
    target.before(prompt, { html: true });
    promptPlaced = true;
  };

  /**
   * A title or style whose text holds a `<` is markup swallowed by an unterminated element
   * (`<style/>` reads the rest of the page as CSS): from there on, none of its text is kept.
   */
  let metaSwallowed = false;
  const textAllowed = (chunk: string): boolean => {
    if (rawOpen || hidden > 0) return false;
    if (body > 0) return openLead !== 0;
    if (article > 0) return keep > 0;
    if (meta > 0) {
      if (chunk.includes('<')) metaSwallowed = true;
      return !metaSwallowed;
    }
    return chrome > 0 || ui > 0;
  };
  const addMeta = (d: number) => {
    meta += d;
    if (meta <= 0) metaSwallowed = false;
  };

  return (
    rewriter
      // First, so the region handlers below see an element only after this has judged it as
      // part of the region around it (the body element itself is not inside the body).
      .on('*', {
        element(el) {
          const tag = el.tagName.toLowerCase();
          rawOpen = false;
          if (body > 0) {
            if (openLead !== 0 && !PHRASING.has(tag)) openLead = 0;
            if (!cut && kept >= lead && openLead === 0) cut = true;
            if (cut) {
              rawOpen = RAW_TEXT.has(tag) && !canEnd(el);
              place(el);
              el.remove();
              return;
            }
          }
          if ((body > 0 || article > 0) && HIDDEN_CONTENT.has(tag)) {
            rawOpen = !canEnd(el);
            el.remove();
            return;
          }
          if (RAW_TEXT.has(tag)) {
            if (HIDDEN_CONTENT.has(tag) || (tag === 'title' && head === 0)) {
              rawOpen = !onEnd(
                el,
                () => (hidden += 1),
                () => (hidden -= 1),
              );
            } else rawOpen = !canEnd(el);
          }
          if (head > 0) {
            if (tag !== 'meta') keepOnlyAllowedAttributes(el);
            else if (keptMeta(el)) keepOnly(el, META_ATTRIBUTES);
            else el.remove();
            return;
          }
          if (chrome > 0) return;
          keepOnlyAllowedAttributes(el);
        },
      })
      .on(
        'head',
        region(
          (d) => (head += d),
          () => !bodyStarted,
        ),
      )
      .on(
        'title',
        region(addMeta, () => head > 0),
      )
      .on(
        'style',
        region(addMeta, () => body === 0),
      )
      .on(
        INTERFACE_TEXT,
        region(
          (d) => (ui += d),
          () => article === 0 && body === 0,
        ),
      )
      .on(
        config.chromeSelector,
        region(
          (d) => (chrome += d),
          () => article === 0 && body === 0,
        ),
      )
      .on(
        config.keepSelector,
        region(
          (d) => (keep += d),
          () => article > 0 && body === 0,
        ),
      )
      .on(config.articleSelector, {
        element(el) {
          onEnd(
            el,
            () => {
              article += 1;
              // An element outside the article left open by the origin keeps nothing open.
              chrome = 0;
              ui = 0;
            },
            (end) => {
              article -= 1;
              if (article > 0) return;
              place(end);
            },
          );
        },
      })
      .on(config.bodySelector, {
        element(el) {
          onEnd(
            el,
            () => {
              body += 1;
              bodySeen = true;
              // A headline or byline left open around the body keeps nothing open after it.
              keep = 0;
            },
            (end) => {
              body -= 1;
              if (body > 0) return;
              openLead = 0;
              place(end);
            },
          );
        },
      })
      .on(config.paragraphSelector, {
        element(el) {
          if (body === 0 || el.removed || cut || kept >= lead) return;
          kept += 1;
          nextId += 1;
          const id = nextId;
          openLead = id;
          const closes = onEnd(el, undefined, () => {
            if (openLead === id) openLead = 0;
          });
          if (!closes) openLead = 0;
        },
      })
      .on('body', {
        element(el) {
          bodyStarted = true;
          head = 0;
          onEnd(el, undefined, (end) => place(end));
        },
      })
      .onDocument({
        text(text) {
          if (!textAllowed(text.text) && text.text.trim() !== '') text.remove();
        },
        comments(comment) {
          comment.remove();
        },
        end(end) {
          if (!promptPlaced) {
            end.append(prompt, { html: true });
            promptPlaced = true;
          }
          if (!bodySeen || (kept === 0 && lead > 0)) {
            logEvent('warn', 'wall_selector_missed', {
              path: loggablePath(plan.path),
              problem: bodySeen ? 'no_paragraph_in_body' : 'body_selector_unmatched',
            });
          }
        },
      })
  );
}

/**
 * Counts an element's region depth up at its start tag and down at its end tag, when `when`
 * says the region applies where it starts. Elements without an end tag add nothing.
 */
function region(
  add: (delta: number) => void,
  when: () => boolean = () => true,
): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      if (!when()) return;
      onEnd(
        el,
        () => add(1),
        () => add(-1),
      );
    },
  };
}

/**
 * Registers an end-tag handler; `opened` runs only if the element can have one (a void
 * element, or `<div/>` read as self-closing, has none and throws).
 */
function onEnd(
  el: Element,
  opened: (() => void) | undefined,
  closed: (end: EndTag) => void,
): boolean {
  try {
    el.onEndTag(closed);
  } catch {
    return false;
  }
  opened?.();
  return true;
}

/** Whether the element has an end tag to wait for (void and `<x/>` elements have none). */
function canEnd(el: Element): boolean {
  return onEnd(el, undefined, () => {});
}

const META_ATTRIBUTES = new Set(['name', 'property', 'content', 'charset', 'http-equiv']);

function keepOnlyAllowedAttributes(el: Element): void {
  keepOnly(el, KEPT_ATTRIBUTES);
}

function keepOnly(el: Element, kept: ReadonlySet<string>): void {
  const names: string[] = [];
  for (const [name = ''] of el.attributes) {
    if (!kept.has(name.toLowerCase())) names.push(name);
  }
  for (const name of names) el.removeAttribute(name);
  // An image keeps an empty alt (decorative), so the walled page stays accessible.
  if (names.some((name) => name.toLowerCase() === 'alt')) el.setAttribute('alt', '');
}

/** A meta tag without content (charset, http-equiv aside) or one of the kept names. */
function keptMeta(el: Element): boolean {
  if (!el.hasAttribute('content')) return true;
  if (el.hasAttribute('http-equiv')) return true;
  const key = (el.getAttribute('name') ?? el.getAttribute('property') ?? '').toLowerCase();
  return KEPT_META.has(key);
}
