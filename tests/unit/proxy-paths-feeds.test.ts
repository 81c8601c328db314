import { describe, expect, it } from 'vitest';
import { paywallConfigSchema } from '../../src/config';
import { classifyPath } from '../../src/proxy/classify';
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

describe('classifyPath: a directory index document is the folder it indexes', () => {
  const proxy = paywallConfigSchema.parse({}).proxy;
  const article = { kind: 'article', articleId: '2026/11/story', canonicalPath: '/2026/11/story' };

  // Static hosts (Pages, Netlify, S3, nginx `index`, Apache DirectoryIndex) serve `story/`
  // as `story/index.html`: the same article, the same id, metered once.
  it.each([
    '/2026/11/story/index.html',
    '/2026/11/story/index.htm',
    '/2026/11/story/index.html/',
    '/2026/11/story/INDEX.HTML',
    '/2026/11/story/Index.Htm',
    '/2026/11/story/index%2Ehtml',
    '/2026/11/story//index.html',
    '/2026//11/story/index.html//',
    '/2026/11/story/index.html/index.html',
    '/2026/11/story/index.shtml',
    '/2026/11/story/index.xhtml',
    '/2026/11/story/index.php',
    '/2026/11/story/default.htm',
    '/2026/11/story/default.aspx',
    '/2026/11/story/index',
  ])('%s is the article /2026/11/story', (path) => {
    expect(classifyPath(path, proxy)).toEqual({ ...article, variant: 'page' });
  });

  it.each(['/amp/2026/11/story/index.html', '/print/2026/11/story/INDEX.HTM/'])(
    '%s is its alternate version',
    (path) => {
      expect(classifyPath(path, proxy)).toEqual({ ...article, variant: 'alternate' });
    },
  );

  it.each([
    ['/feed.xml/index.html', { kind: 'feed' }],
    ['/index.html', { kind: 'other' }],
    ['/2026/index.html', { kind: 'other' }],
    ['/2026/11/story/index.html.bak', { kind: 'other' }],
    ['/2026/11/story/indexes', { kind: 'other' }],
    // Left as it is: PATH_INFO after a script (see the report of this change).
    ['/index.php/2026/11/story', { kind: 'other' }],
  ])('%s is %o', (path, kind) => {
    expect(classifyPath(path, proxy)).toEqual(kind);
  });

  // Stripping only ever adds a wall: a path that matched as spelled still does.
  it.each([
    ['/2026/11/index', '2026/11/index'],
    ['/2026/11/default', '2026/11/default'],
    ['/2026/11/index.html', '2026/11/index.html'],
  ])('a path that is an article as spelled stays that article: %s', (path, id) => {
    expect(classifyPath(path, proxy)).toMatchObject({ kind: 'article', articleId: id });
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
