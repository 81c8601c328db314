// Markup and feeds we did not write: what tests/support/hostile-origin.ts serves, shared with
// the tests so they know which words must never reach a walled reader. No Node or workerd
// imports: the origin (Node) and the tests (workerd) both load it.
//
// Every sentence a walled reader may see carries `LEADTOKEN`, the headline `HEADLINETOKEN`;
// every sentence they must not see carries `WALLEDTOKEN` (a test searches the response bytes
// for that one word).

export const WALLED = 'WALLEDTOKEN';
export const LEAD1 = 'LEADTOKEN-one opens the story.';
export const LEAD2 = 'LEADTOKEN-two sets the scene.';
export const HEADLINE = 'HEADLINETOKEN Council votes';
export const AFTER_ARTICLE = 'Leave a Reply';
const w = (n: number) => `${WALLED}-${n} is walled text.`;

const head =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story</title>' +
  `<script type="application/ld+json">{"@type":"NewsArticle","articleBody":"${w(90)}"}</script>` +
  `<script>window.__DATA__ = {"body": "${w(91)}"}</script><!-- ${w(92)} --></head><body>` +
  '<header class="site-header"><a href="/">The Site</a> <nav><a href="/">Home</a></nav></header>';
const tail = `<section class="comments"><h2>${AFTER_ARTICLE}</h2></section><footer>Site footer</footer></body></html>`;
const page = (main: string) => `${head}<main>${main}</main>${tail}`;
const article = (inner: string) =>
  page(
    `<article class="article"><h1>${HEADLINE}</h1><p class="byline">By A Writer</p>${inner}</article>`,
  );
const body = (inner: string) => `<div class="article-body">${inner}</div>`;
const paras = `<p>${LEAD1}</p><p>${LEAD2}</p><p>${w(3)}</p><p>${w(4)}</p><p>${w(5)}</p>`;

export interface MarkupCase {
  /** The lead paragraphs can be found (the body selector matches); otherwise none is kept. */
  leadFindable: boolean;
  html: string;
}

/** Origin pages: `/markup/<name>/<anything>` serves `MARKUP[name]`. */
export const MARKUP: Record<string, MarkupCase> = {
  reference: { leadFindable: true, html: article(body(paras)) },
  'wrapper-div': {
    leadFindable: true,
    html: article(body(`<div class="wrap"><div class="inner">${paras}</div></div>`)),
  },
  'nested-sections': {
    leadFindable: true,
    html: article(
      body(
        `<section><div><p>${LEAD1}</p></div><div><p>${LEAD2}</p></div></section>` +
          `<section><div><p>${w(3)}</p><blockquote>${w(4)}</blockquote></div></section>`,
      ),
    ),
  },
  'lead-split-across-wrappers': {
    leadFindable: true,
    html: article(
      body(
        `<div class="a"><p>${LEAD1}</p></div>${w(3)}<div class="b"><p>${LEAD2}</p>${w(4)}</div>`,
      ),
    ),
  },
  'renamed-body-class': {
    leadFindable: false,
    html: article(`<div class="story-text">${paras}</div>`),
  },
  'no-body-element': { leadFindable: false, html: article(paras) },
  'no-article-element': { leadFindable: true, html: page(body(paras)) },
  'no-article-no-body': {
    leadFindable: false,
    html: page(`<div class="post"><h1>${HEADLINE}</h1>${paras}</div>`),
  },
  'no-html-skeleton': {
    leadFindable: false,
    html: `<h1>${HEADLINE}</h1><div>${w(1)}</div><p>${w(2)}</p>${w(3)}`,
  },
  'unclosed-paragraphs': {
    leadFindable: true,
    html: article(body(`<p>${LEAD1}<p>${LEAD2}<p>${w(3)}<p>${w(4)}`)),
  },
  'unclosed-lead-then-block': {
    leadFindable: true,
    html: article(body(`<p>${LEAD1}</p><p>${LEAD2}<div>${w(3)}</div>${w(4)}<p>${w(5)}</p>`)),
  },
  'unclosed-lead-at-body-end': {
    leadFindable: true,
    html: article(`${body(`<p>${LEAD1}</p><p>${LEAD2}`)}<div>${w(3)}</div>`),
  },
  'comments-with-text': {
    leadFindable: true,
    html: article(
      body(
        `<!-- ${w(1)} --><p>${LEAD1}<!-- ${w(2)} --></p><p>${LEAD2}</p><!-- ${w(3)} --><p>${w(4)}</p>`,
      ),
    ),
  },
  'cdata-in-html': {
    leadFindable: true,
    html: article(body(`<p>${LEAD1}</p><![CDATA[ ${w(1)} ]]><p>${LEAD2}</p><p>${w(2)}</p>`)),
  },
  'template-noscript-before-lead': {
    leadFindable: true,
    html: article(
      body(
        `<p>${LEAD1}</p><template><p>${w(1)}</p></template><noscript>${w(2)}</noscript>` +
          `<p>${LEAD2}</p><p>${w(3)}</p>`,
      ),
    ),
  },
  'template-inside-lead': {
    leadFindable: true,
    html: article(
      body(`<p>${LEAD1} <template>${w(1)}</template> ${w(2)}</p><p>${LEAD2}</p><p>${w(3)}</p>`),
    ),
  },
  'textarea-script-select': {
    leadFindable: true,
    html: article(
      body(
        `<textarea>${w(1)}</textarea><p>${LEAD1}</p><script>var t = "${w(2)}";</script>` +
          `<select><option>${w(3)}</option></select><p>${LEAD2}</p><p>${w(4)}</p>`,
      ),
    ),
  },
  'data-and-text-attributes': {
    leadFindable: true,
    html: article(
      `<div class="article-body" data-full="${w(1)}"><div data-x="${w(2)}" title="${w(3)}">` +
        `<p data-p="${w(4)}" aria-label="${w(5)}">${LEAD1}</p><img alt="${w(6)}" src="/x.png">` +
        `<meta itemprop="articleBody" content="${w(7)}"><p>${LEAD2}</p><p>${w(8)}</p></div></div>`,
    ),
  },
  'data-attribute-on-article': {
    leadFindable: true,
    html: page(
      `<article class="article" data-body="${w(1)}"><h1 data-h="${w(2)}">${HEADLINE}</h1>${body(paras)}</article>`,
    ),
  },
  'text-directly-in-divs': {
    leadFindable: true,
    html: article(
      body(
        `${w(1)}<div>${w(2)}</div><p>${LEAD1}</p>${w(3)}<p>${LEAD2}</p>${w(4)}<div>${w(5)}</div>`,
      ),
    ),
  },
  'uppercase-tags': {
    leadFindable: true,
    html: page(
      `<ARTICLE CLASS="article"><H1>${HEADLINE}</H1><DIV CLASS="article-body"><P>${LEAD1}</P>` +
        `<P>${LEAD2}</P><P>${w(3)}</P></DIV></ARTICLE>`,
    ),
  },
  'gt-inside-quoted-attributes': {
    leadFindable: true,
    html: article(
      `<div class="article-body" data-x="a>b ${w(1)}"><p title="x > ${w(2)}">${LEAD1}</p>` +
        `<p>${LEAD2}</p><p data-y='<p>${w(3)}</p>'>${w(4)}</p></div>`,
    ),
  },
  'no-paragraphs-in-body': {
    leadFindable: false,
    html: article(
      body(`<div>${w(1)}</div><span>${w(2)}</span><section><div>${w(3)}</div></section>`),
    ),
  },
  'nested-body-selector': {
    leadFindable: true,
    html: article(body(`<p>${LEAD1}</p>${body(`<p>${LEAD2}</p><p>${w(3)}</p>`)}<p>${w(4)}</p>`)),
  },
  'iframe-svg-math': {
    leadFindable: true,
    html: article(
      body(
        `<iframe srcdoc="<p>${w(1)}</p>"></iframe><p>${LEAD1}</p><svg><text>${w(2)}</text></svg>` +
          `<math><mi>${w(3)}</mi></math><p>${LEAD2}</p><svg><text>${w(4)}</text></svg>`,
      ),
    ),
  },
  'self-closing-body': {
    leadFindable: false,
    html: article(`<div class="article-body"/>${paras}`),
  },
  'text-before-article-outside-chrome': {
    leadFindable: true,
    html: page(
      `<div class="teaser">${w(1)}</div><article class="article">${body(paras)}</article>`,
    ),
  },
  'plaintext-after-lead': {
    leadFindable: true,
    html: article(body(`<p>${LEAD1}</p><p>${LEAD2}</p><plaintext>${w(3)}</div></article>${w(4)}`)),
  },
};

/** A page carrying the article text in every form, for the status, type and Range routes. */
export const REFERENCE_PAGE = MARKUP.reference?.html ?? '';

// Feeds: each item's title and link may be shown; every body spelling carries WALLEDTOKEN.
const rssItem = (n: number) =>
  `<item><title>TITLEOK ${n}</title><link>https://site.test/a/b/${n}</link>` +
  `<description>${w(n * 10 + 1)} &lt;p&gt;escaped&lt;/p&gt;</description>` +
  `<content:encoded><![CDATA[<p>${w(n * 10 + 2)}</p>]]></content:encoded></item>`;
const RSS =
  '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">' +
  `<channel><title>TITLEOK feed</title><description>A site</description>${rssItem(1)}${rssItem(2)}</channel></rss>`;
const ATOM =
  '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>TITLEOK</title>' +
  `<entry><title>TITLEOK 1</title><link href="https://site.test/a/b/1"/><summary type="text">${w(1)}</summary>` +
  `<content type="html">&lt;p&gt;${w(2)}&lt;/p&gt;</content></entry>` +
  `<entry><title type="html">TITLEOK 2</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>${w(3)}</p></div></content></entry></feed>`;
const TRICKY =
  '<?xml version="1.0"?><rss version="2.0"><channel><title>TITLEOK</title><!-- ' +
  w(1) +
  ' -->' +
  `<item><title>TITLEOK a</title><CONTENT:ENCODED><![CDATA[<p>${w(2)}</p>]]></CONTENT:ENCODED>` +
  `<description><![CDATA[ x </description> ${w(3)} ]]></description>` +
  `<atom:content type="html" xmlns:atom="http://www.w3.org/2005/Atom">${w(4)}</atom:content>` +
  `<atom:summary x='a>b'>${w(5)}</atom:summary><content:encoded/><media:description>${w(6)}</media:description>` +
  `<itunes:summary>${w(7)}</itunes:summary><body xmlns="http://www.w3.org/1999/xhtml"><p>${w(8)}</p></body>` +
  `<content><content>${w(9)}</content>${w(10)}</content>` +
  `<Description>${w(11)}</Description><description type="html" >${w(12)}</description ></item>` +
  `<item><title>TITLEOK b</title><content:encoded>${w(13)} and the feed ends unclosed`;
const BROKEN_TAG =
  `<?xml version="1.0"?><rss><channel><item><title>TITLEOK</title><content:encoded x="unbalanced>${w(1)}` +
  `</content:encoded></item></channel></rss>`;
const JSON_FEED = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'TITLEOK',
  description: w(1),
  items: [
    {
      id: '1',
      url: 'https://site.test/a/b/1',
      title: 'TITLEOK 1',
      content_html: `<p>${w(2)}</p>`,
      content_text: w(3),
      summary: w(4),
      _ext: { body: w(5) },
    },
    { id: '2', title: 'TITLEOK 2', content_text: w(6) },
  ],
});

export interface FeedCase {
  status: number;
  type: string | null;
  body: string;
  headers?: Record<string, string>;
}

/** Feed paths, configured as the worker's `proxy.feedPaths` (ten at most). */
export const FEEDS: Record<string, FeedCase> = {
  '/feeds/rss.xml': { status: 200, type: 'application/rss+xml', body: RSS },
  '/feeds/atom.xml': { status: 200, type: 'application/atom+xml', body: ATOM },
  '/feeds/feed.json': { status: 200, type: 'application/feed+json', body: JSON_FEED },
  '/feeds/untyped-json': { status: 200, type: null, body: JSON_FEED },
  '/feeds/tricky.xml': { status: 200, type: 'text/xml', body: TRICKY },
  '/feeds/broken-tag.xml': { status: 200, type: 'text/xml', body: BROKEN_TAG },
  '/feeds/html-typed.xml': { status: 200, type: 'text/html', body: RSS },
  '/feeds/missing.xml': { status: 404, type: 'application/rss+xml', body: RSS },
  '/feeds/error.xml': { status: 500, type: 'application/rss+xml', body: RSS },
  '/feeds/moved.xml': {
    status: 301,
    type: 'application/rss+xml',
    body: RSS,
    headers: { location: '/feeds/rss.xml' },
  },
};
