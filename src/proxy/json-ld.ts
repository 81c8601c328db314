/**
 * Paywall structured data (Google's "subscription and paywalled content" markup): the page
 * says it is not free and which part is walled, so showing crawlers the full text is not
 * cloaking. For a walled reader the article's own JSON-LD loses every full-text field.
 */
export const WALLED_CLASS = 'pw-walled';
const FULL_TEXT_FIELDS = ['articleBody', 'text'];

export function paywallJsonLd(jsonText: string, opts: { stripText: boolean }): string {
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch {
    // Unparseable: it cannot be cleaned, so it cannot be sent to a walled reader.
    return opts.stripText ? '{}' : jsonText;
  }
  const apply = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(apply);
    if (!node || typeof node !== 'object') return node;
    const record = { ...(node as Record<string, unknown>) };
    if (opts.stripText) for (const field of FULL_TEXT_FIELDS) delete record[field];
    const type = record['@type'];
    const isArticle = typeof type === 'string' && /Article|Posting|Report/.test(type);
    if (isArticle) {
      record.isAccessibleForFree = false;
      record.hasPart = {
        '@type': 'WebPageElement',
        isAccessibleForFree: false,
        cssSelector: `.${WALLED_CLASS}`,
      };
    }
    if (Array.isArray(record['@graph']))
      record['@graph'] = (record['@graph'] as unknown[]).map(apply);
    return record;
  };
  // `</` cannot end the script early once escaped.
  return JSON.stringify(apply(data)).replace(/</g, '\\u003c');
}

/**
 * The paywall markup on its own, for walled pages: the site's JSON-LD (which may carry the
 * full text) is dropped as it streams rather than buffered and cleaned, and this small block
 * says the page is paywalled.
 */
export function paywallOnlyJsonLd(url: string): string {
  return JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    url,
    isAccessibleForFree: false,
    hasPart: {
      '@type': 'WebPageElement',
      isAccessibleForFree: false,
      cssSelector: `.${WALLED_CLASS}`,
    },
  }).replace(/</g, '\\u003c');
}
