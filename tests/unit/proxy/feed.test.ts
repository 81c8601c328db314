import { describe, expect, it } from 'vitest';
import { stripJsonFeed, stripXmlFeed } from '../../../src/proxy/feed';

// The pure half of what a feed keeps. The integration tests (proxy-hostile) send the same
// classes through the worker.

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
