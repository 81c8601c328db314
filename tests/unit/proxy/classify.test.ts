import { describe, expect, it } from 'vitest';
import { paywallConfigSchema } from '../../../src/config';
import { classifyPath } from '../../../src/proxy/classify';

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
