import { describe, expect, it } from 'vitest';
import { isHostilePath, stripOurCookies, upstreamUrl } from '../../../src/proxy/origin';

// The pure half of which request paths may go upstream. The integration tests
// (proxy-hostile) send the same classes through the worker.

const ORIGIN = 'https://origin.example:8443/ignored/base';

describe('upstreamUrl: the configured origin, whatever the path says', () => {
  // Paths as the worker receives them (already through the URL parser), and raw ones a
  // looser front end might hand over.
  it.each([
    '//evil.example/x',
    '///evil.example/x',
    '//evil.example',
    '//user@evil.example/x',
    '//user:pw@evil.example:80/x',
    '/\\evil.example/x',
    '/\\\\evil.example',
    '\\\\evil.example/x',
    '/%5Cevil.example/x',
    '/%5c/evil.example',
    '/%2F/evil.example',
    '/%2f%2fevil.example/x',
    '/%09/evil.example',
    '/%0A/x',
    '/%0d%0aX-Injected:%201',
    '/%00/x',
    '/%7F/x',
    'evil.example/x',
    '',
    '/a\\b',
  ])('refuses %j', (path) => {
    expect(isHostilePath(path)).toBe(true);
  });

  it.each([
    '/',
    '/2026/11/story',
    '/a/b//c',
    '/caf%C3%A9',
    '/latin-1-%E9',
    '/100%',
    '/%2e%2e-not-a-segment',
    '/search',
  ])('accepts %j', (path) => {
    expect(isHostilePath(path)).toBe(false);
    expect(upstreamUrl(`https://site.test${path}?q=//evil.example`, ORIGIN)?.origin).toBe(
      'https://origin.example:8443',
    );
  });

  // An origin (nginx, a cache, a CDN) that decodes `%2F` before matching serves these as
  // the article `/2026/11/story`; the classifier sees one segment and would pass it through.
  it.each([
    '/2026%2F11%2Fstory',
    '/2026/11%2Fstory',
    '/2026%2f11%2fstory',
    '/2026%2F11/story',
    '/2026/11%2fstory/',
    '/2026%252F11%252Fstory',
    '/2026/11%252fstory',
    '/2026/11%25252Fstory',
    '/2026/11%2525252Fstory',
    '/2026%5C11%5Cstory',
    '/2026/11%5cstory',
    '/2026/11%255Cstory',
    '/amp/2026%2F11/story',
    '/2026/11/story%2F',
    '/2026/11/story%2Findex.html',
    '/a%2Fb',
    '/feed.xml%2F',
    '/%2e%2e%2F2026/11/story',
    '/2026/11/%2509story',
  ])('refuses an encoded separator, in any case and up to three decodings: %j', (path) => {
    expect(isHostilePath(path)).toBe(true);
    expect(upstreamUrl(`https://site.test${path}`, ORIGIN)).toBeNull();
  });

  it.each([
    '/2026/11/caf%C3%A9',
    '/2026/11/%E9t%E9',
    '/2026/11/a%20story',
    '/2026/11/100%25',
    '/2026/11/50%25off',
    '/2026/11/%2Fnot',
  ])('ordinary escapes still pass: %j', (path) => {
    const hostile = path.includes('%2F');
    expect(isHostilePath(path)).toBe(hostile);
  });

  it('sets the path and query on the origin, and nothing else', () => {
    const url = upstreamUrl('https://site.test/2026/11/x?a=1#frag', ORIGIN);
    expect(url?.href).toBe('https://origin.example:8443/2026/11/x?a=1');
    expect(upstreamUrl('https://site.test//evil.example/x', ORIGIN)).toBeNull();
  });
});

describe('cookies before the origin', () => {
  it('our cookies are stripped before the origin, the site’s are kept', () => {
    expect(stripOurCookies('a=1; __Host-paywall_rid=x; b=2; __Host-paywall_ent=y')).toBe(
      'a=1; b=2',
    );
    expect(stripOurCookies('__Host-paywall_rid=x')).toBe('');
  });
});
