import { describe, expect, it } from 'vitest';
import { paywallJsonLd } from '../../../src/proxy/json-ld';

describe('paywall JSON-LD', () => {
  const article = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: 'H',
    articleBody: 'SECRET FULL TEXT',
    text: 'ALSO SECRET',
  });

  it('marks the article as not free with the walled part, and drops the full text for walled readers', () => {
    const walled = JSON.parse(paywallJsonLd(article, { stripText: true }));
    expect(walled).toMatchObject({
      headline: 'H',
      isAccessibleForFree: false,
      hasPart: { cssSelector: '.pw-walled' },
    });
    expect(JSON.stringify(walled)).not.toContain('SECRET');
    const crawler = JSON.parse(paywallJsonLd(article, { stripText: false }));
    expect(crawler.articleBody).toBe('SECRET FULL TEXT');
  });

  it('handles @graph, and refuses to pass unparseable JSON-LD to a walled reader', () => {
    const graph = JSON.stringify({
      '@graph': [{ '@type': 'NewsArticle', articleBody: 'SECRET' }, { '@type': 'Organization' }],
    });
    expect(paywallJsonLd(graph, { stripText: true })).not.toContain('SECRET');
    expect(paywallJsonLd('{ broken SECRET', { stripText: true })).toBe('{}');
  });

  it('cannot be used to close the script element early', () => {
    const hostile = JSON.stringify({
      '@type': 'NewsArticle',
      headline: '</script><script>alert(1)</script>',
    });
    expect(paywallJsonLd(hostile, { stripText: true })).not.toContain('</script>');
  });
});
