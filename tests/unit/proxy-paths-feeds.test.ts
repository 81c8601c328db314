import { describe, expect, it } from 'vitest';
import { stripJsonFeed, stripXmlFeed } from '../../src/proxy/feed';
import { isHostilePath, upstreamUrl } from '../../src/proxy/origin';

// The pure halves of items 1 and 3: which request paths may go upstream, and what a feed
// keeps. The integration tests (proxy-hostile) send the same classes through the worker.

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
    '/a%2Fb',
    '/%2e%2e-not-a-segment',
    '/search',
  ])('accepts %j', (path) => {
    expect(isHostilePath(path)).toBe(false);
    expect(upstreamUrl(`https://site.test${path}?q=//evil.example`, ORIGIN)?.origin).toBe(
      'https://origin.example:8443',
    );
  });

  it('sets the path and query on the origin, and nothing else', () => {
    const url = upstreamUrl('https://site.test/2026/11/x?a=1#frag', ORIGIN);
    expect(url?.href).toBe('https://origin.example:8443/2026/11/x?a=1');
    expect(upstreamUrl('https://site.test//evil.example/x', ORIGIN)).toBeNull();
  });
});

describe('feeds keep no body in any spelling', () => {
  const SECRET = 'SECRETBODY';
  it.each([
    `<content:encoded><![CDATA[<p>${SECRET}</p>]]></content:encoded>`,
    `<content:encoded>&lt;p&gt;${SECRET}&lt;/p&gt;</content:encoded>`,
    `<CONTENT:ENCODED>${SECRET}</CONTENT:ENCODED>`,
    `<content:encoded >${SECRET}</content:encoded >`,
    `<description>${SECRET}</description>`,
    `<description><![CDATA[ </description> ${SECRET} ]]></description>`,
    `<description type="html" x='a>b'>${SECRET}</description>`,
    `<dc:description>${SECRET}</dc:description>`,
    `<content type="html">${SECRET}</content>`,
    `<content type="xhtml"><div><p>${SECRET}</p></div></content>`,
    `<atom:content type="html">${SECRET}</atom:content>`,
    `<summary>${SECRET}</summary>`,
    `<atom:summary type="text">${SECRET}</atom:summary>`,
    `<itunes:summary>${SECRET}</itunes:summary>`,
    `<content><content>${SECRET}</content>${SECRET}</content>`,
    `<body xmlns="http://www.w3.org/1999/xhtml"><p>${SECRET}</p></body>`,
    `<content:encoded/><content:encoded>${SECRET}</content:encoded>`,
    `<!-- ${SECRET} -->`,
    `<content:encoded>${SECRET} never closed`,
    `<content:encoded x="unbalanced>${SECRET}</content:encoded>`,
    `<title>ok</title><![CDATA[ fine ]]><content:encoded>${SECRET}</content:encoded>`,
  ])('%s', (item) => {
    const feed = `<rss><channel><item><title>KEEP</title>${item}</item></channel></rss>`;
    const out = stripXmlFeed(feed);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('<title>KEEP</title>');
  });

  it('JSON Feed items keep only fields that carry no body', () => {
    const out = stripJsonFeed(
      JSON.stringify({
        title: 'KEEP',
        description: SECRET,
        items: [
          {
            id: '1',
            title: 'KEEP',
            content_html: SECRET,
            content_text: SECRET,
            summary: SECRET,
            _x: SECRET,
          },
        ],
      }),
    );
    expect(out).not.toContain(SECRET);
    expect(out).toContain('KEEP');
    expect(stripJsonFeed(`{"items": [${SECRET}`)).toBeNull();
  });
});
