import { describe, expect, it } from 'vitest';
import { paywallConfigSchema } from '../../src/config';
import { safeReturnPath } from '../../src/http/return-to';
import { classifyPath } from '../../src/proxy/classify';
import { isCrawlerIp } from '../../src/proxy/crawler';
import { inCidr, parseCidr, parseIp } from '../../src/proxy/ip';
import { paywallJsonLd } from '../../src/proxy/json-ld';
import { stripOurCookies } from '../../src/proxy/origin';

const proxy = paywallConfigSchema.parse({}).proxy;

describe('classifyPath', () => {
  it('recognises articles, their AMP and print versions as the same article, feeds and the rest', () => {
    expect(classifyPath('/2026/11/story', proxy)).toEqual({
      kind: 'article',
      articleId: '2026/11/story',
      canonicalPath: '/2026/11/story',
      variant: 'page',
    });
    expect(classifyPath('/amp/2026/11/story', proxy)).toMatchObject({
      kind: 'article',
      articleId: '2026/11/story',
      variant: 'alternate',
    });
    expect(classifyPath('/print/2026/11/story', proxy)).toMatchObject({
      kind: 'article',
      articleId: '2026/11/story',
    });
    expect(classifyPath('/feed.xml', proxy)).toEqual({ kind: 'feed' });
    for (const other of ['/', '/static/site.css', '/2026/11', '/about', '/2026/11/story/extra']) {
      expect(classifyPath(other, proxy)).toEqual({ kind: 'other' });
    }
  });
});

describe('crawler verification by IP range', () => {
  it.each([
    ['66.249.66.1', true], // Googlebot
    ['66.249.95.255', true],
    ['66.249.96.0', false], // just past the /19
    ['157.55.39.7', true], // Bingbot
    ['2001:4860:4801:10::1', true],
    ['2001:4860:4802::1', false],
    ['203.0.113.9', false],
    ['not an ip', false],
    ['66.249.66.1.5', false],
    ['::ffff:66.249.66.1', false],
  ])('%s → %s', (ip, verified) => {
    expect(isCrawlerIp(ip)).toBe(verified);
  });

  it('parses CIDRs and addresses strictly', () => {
    const cidr = parseCidr('10.0.0.0/8');
    const ip = parseIp('10.200.1.1');
    expect(cidr && ip && inCidr(ip, cidr)).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseIp('256.1.1.1')).toBeNull();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIp('::1')?.value).toBe(1n);
  });
});

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

describe('return paths and cookies', () => {
  it.each([
    [undefined, '/'],
    ['/2026/11/story?x=1#c', '/2026/11/story?x=1#c'],
    ['https://evil.example/', null],
    ['//evil.example', null],
    ['/\\evil.example', null],
    ['javascript:alert(1)', null],
    ['/_paywall/v1/access', null],
    [`/${'a'.repeat(600)}`, null],
  ])('safeReturnPath(%s) = %s', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it('our cookies are stripped before the origin, the site’s are kept', () => {
    expect(stripOurCookies('a=1; __Host-paywall_rid=x; b=2; __Host-paywall_ent=y')).toBe(
      'a=1; b=2',
    );
    expect(stripOurCookies('__Host-paywall_rid=x')).toBe('');
  });
});
