import { logEvent } from '../log';
import type { ProxyConfig } from './config';

/**
 * The wall, failing closed. Rather than cutting what the selectors point at (and showing
 * everything they miss), a walled page keeps only text it can place:
 * - the first `leadParagraphs` paragraphs inside the article body, wherever they sit in it
 *   (wrapper elements are fine);
 * - inside the article but outside its body, the parts `keepSelector` names (headline, byline);
 * - outside the article, the site's chrome (`chromeSelector`), the page's title and styles,
 *   and, once an article holding the body has closed, the rest of the page;
 * and removes every other text chunk as it streams: text in nested elements, in elements the
 * selectors never matched, in a page whose body or article element was renamed. After the
 * lead every element of the body is removed; comments go everywhere, and inside the article
 * so do <template>, <noscript>, <script>, <textarea> (and the like) and every attribute that
 * can carry text (data-*, title, alt, …).
 *
 * The prompt goes where the lead ends, else at the end of the body, of the article or of the
 * page. A page whose body selector matched nothing or kept no paragraph is logged as a
 * configuration warning (its path only).
 */
export interface WallPlan {
  config: ProxyConfig;
  leadParagraphs: number;
  promptHtml: string;
  /** The page's path, for the configuration warning. */
  path: string;
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

/** Attributes that can carry text (beyond data-*). */
const TEXT_ATTRIBUTES = new Set([
  'title',
  'alt',
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'content',
  'value',
  'placeholder',
  'label',
  'srcdoc',
  'summary',
  'abbr',
]);

export function addWall(rewriter: HTMLRewriter, plan: WallPlan): HTMLRewriter {
  const { config, leadParagraphs: lead } = plan;
  // How deep we are in each region (elements nest; end tags come back out).
  let head = 0;
  let meta = 0;
  let article = 0;
  let body = 0;
  let keep = 0;
  let chrome = 0;
  let bodySeen = false;
  let bodyInArticle = false;
  /** An article holding the body has closed: the rest of the page is the site's own. */
  let afterArticle = false;
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

  const textAllowed = (): boolean => {
    if (body > 0) return openLead !== 0;
    if (article > 0) return keep > 0;
    return meta > 0 || chrome > 0 || afterArticle;
  };

  return (
    rewriter
      // First, so the region handlers below see an element only after this has judged it as
      // part of the region around it (the body element itself is not inside the body).
      .on('*', {
        element(el) {
          const tag = el.tagName.toLowerCase();
          if (body > 0) {
            if (openLead !== 0 && !PHRASING.has(tag)) openLead = 0;
            if (!cut && kept >= lead && openLead === 0) cut = true;
            if (cut) {
              place(el);
              el.remove();
              return;
            }
          }
          if (head > 0 || chrome > 0 || afterArticle) return;
          if ((body > 0 || article > 0) && HIDDEN_CONTENT.has(tag)) {
            el.remove();
            return;
          }
          stripTextAttributes(el);
        },
      })
      .on(
        'head',
        region((d) => (head += d)),
      )
      .on(
        'title, style',
        region((d) => (meta += d)),
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
            },
            (end) => {
              article -= 1;
              if (article > 0) return;
              if (bodyInArticle) afterArticle = true;
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
            },
            (end) => {
              body -= 1;
              if (body > 0) return;
              openLead = 0;
              if (article > 0) bodyInArticle = true;
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
      .on('body', { element: (el) => void onEnd(el, undefined, (end) => place(end)) })
      .onDocument({
        text(text) {
          if (!textAllowed() && text.text.trim() !== '') text.remove();
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
              path: plan.path,
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

function stripTextAttributes(el: Element): void {
  const names: string[] = [];
  for (const [name = ''] of el.attributes) {
    const lower = name.toLowerCase();
    if (lower.startsWith('data-') || TEXT_ATTRIBUTES.has(lower)) names.push(name);
  }
  for (const name of names) el.removeAttribute(name);
  // An image keeps an empty alt (decorative), so the walled page stays accessible.
  if (names.some((name) => name.toLowerCase() === 'alt')) el.setAttribute('alt', '');
}
