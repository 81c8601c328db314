import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../../src/http/return-to';

const SITE = 'https://news.example';

/**
 * What a browser or Stripe does with a returned path: used alone as a `Location` (relative to
 * the page) or after our origin as an absolute URL. Either way it must stay on the site, and
 * so must every decoding of it an origin server might do before it redirects.
 */
function expectStaysOnSite(path: string) {
  expect(path.startsWith('/')).toBe(true);
  expect(path[1] === '/' || path[1] === '\\').toBe(false);
  expect(new URL(path, `${SITE}/some/page`).origin).toBe(SITE);
  expect(new URL(`${SITE}${path}`).origin).toBe(SITE);
  expect(new URL(`${SITE}${path}#paywall-prompt`).origin).toBe(SITE);
  let decoded = path;
  for (let i = 0; i < 4; i++) {
    decoded = decoded.replace(/%([0-7][0-9a-f])/gi, (_, h: string) =>
      String.fromCharCode(Number.parseInt(h, 16)),
    );
    expect(new URL(decoded, `${SITE}/some/page`).origin).toBe(SITE);
    expect(/^\/[/\\]/.test(new URL(decoded, SITE).pathname)).toBe(false);
  }
  expect(new URL(path, SITE).pathname.toLowerCase().startsWith('/_paywall')).toBe(false);
}

// Every spelling here must be refused: null, never a path.
const HOSTILE: Array<[string, string]> = [
  // The issue's own spelling and its dot-segment relatives.
  ['dot segment then //', '/.//evil.example/phish'],
  ['two dot segments then //', '/././/evil.example'],
  ['dot-dot back to root then //', '/a/..//evil.example'],
  ['dot-dot above root then //', '/../..//evil.example'],
  ['dot then dot-dot then //', '/a/.././/evil.example'],
  ['many dot-dots then //', '/a/b/c/../../..//evil.example'],
  ['dot at the end of a //', '/.//evil.example/.'],
  // Encoded dots (the URL parser treats %2e as a dot in a segment).
  ['%2e then //', '/%2e//evil.example'],
  ['%2E%2e then //', '/%2E%2e//evil.example'],
  ['.%2e then //', '/a/.%2e//evil.example'],
  ['%2e. then //', '/a/%2e.//evil.example'],
  ['%2e%2e twice then //', '/x/%2e%2e/%2e%2e//evil.example'],
  // Encoded slashes and backslashes a server behind us might decode before it redirects.
  ['%2F%2F', '/%2F%2Fevil.example'],
  ['%2f%2f lower case', '/%2f%2fevil.example'],
  ['/%2F', '/%2Fevil.example'],
  ['%5C', '/%5Cevil.example'],
  ['%5c lower case', '/%5cevil.example'],
  ['%2e%2e%2F%2F', '/%2e%2e%2F%2Fevil.example'],
  ['..%2F%2F', '/a/..%2F%2Fevil.example'],
  ['double-encoded %252F%252F', '/%252F%252Fevil.example'],
  ['double-encoded %255C', '/%255Cevil.example'],
  ['triple-encoded slash', '/%25252F%25252Fevil.example'],
  ['encoded tab', '/%09/evil.example'],
  ['encoded newline', '/%0a/evil.example'],
  ['encoded NUL', '/%00/evil.example'],
  // Backslashes (browsers read `\` as `/`).
  ['/\\', '/\\evil.example'],
  ['\\\\', '\\\\evil.example'],
  ['/\\/', '/\\/evil.example'],
  ['a backslash mid-path', '/news\\..\\..\\evil'],
  // Tabs, newlines and other whitespace the URL parser strips or a browser folds.
  ['tab between slashes', '/\t/evil.example'],
  ['newline between slashes', '/\n/evil.example'],
  ['carriage return', '/\r/evil.example'],
  ['leading space', ' //evil.example'],
  ['NUL', '/\u0000/evil.example'],
  ['non-breaking space', '/\u00a0/evil.example'],
  ['ideographic space', '/\u3000/evil.example'],
  ['line separator', '/\u2028/evil.example'],
  ['zero-width space', '/\u200b/evil.example'],
  ['right-to-left override', '/\u202eelpmaxe.live'],
  ['DEL', '/\u007f/evil.example'],
  // Absolute URLs, protocol-relative, userinfo, schemes.
  ['absolute https', 'https://evil.example/phish'],
  ['absolute http', 'http://evil.example'],
  ['protocol-relative', '//evil.example/phish'],
  ['protocol-relative with userinfo', '//news.example@evil.example/'],
  ['absolute with our host as userinfo', 'https://news.example@evil.example/'],
  ['scheme without slashes', 'https:evil.example'],
  ['javascript:', 'javascript:alert(1)'],
  ['JavaScript: mixed case', 'JaVaScRiPt:alert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['vbscript:', 'vbscript:msgbox(1)'],
  ['triple slash', '///evil.example'],
  ['relative without a slash', 'evil.example/phish'],
  ['relative dot', './/evil.example'],
  ['query only', '?next=//evil.example'],
  ['fragment only', '#//evil.example'],
  // Our own routes, however spelled.
  ['our API', '/_paywall/v1/checkout'],
  ['our API upper case', '/_PAYWALL/v1/portal'],
  ['our API with %5F', '/%5Fpaywall/v1/checkout'],
  ['our API via dot-dot', '/news/../_paywall/v1/checkout'],
  ['our API via encoded dot-dot', '/news/%2e%2e/_paywall/v1/checkout'],
  ['our prefix alone', '/_paywall'],
  // Very long values.
  ['513 characters', `/${'a'.repeat(512)}`],
  ['10 KB', `/${'a'.repeat(10_240)}`],
  ['long with a hostile tail', `/${'a/'.repeat(300)}..//evil.example`],
];

// Same-site paths that must survive, normalised.
const ALLOWED: Array<[string, string | undefined, string]> = [
  ['absent', undefined, '/'],
  ['empty', '', '/'],
  ['root', '/', '/'],
  ['an article', '/2026/11/harbour-lights', '/2026/11/harbour-lights'],
  ['with a query and fragment', '/news/story?utm=x&y=1#top', '/news/story?utm=x&y=1#top'],
  ['a dot segment resolved', '/news/./story', '/news/story'],
  ['a dot-dot resolved', '/news/x/../story', '/news/story'],
  ['an encoded space', '/my%20story', '/my%20story'],
  ['an encoded URL in the query', '/a?next=%2F%2Fb', '/a?next=%2F%2Fb'],
  ['non-ASCII, percent-encoded', '/caf\u00e9', '/caf%C3%A9'],
  ['a literal percent', '/100%25', '/100%25'],
  ['a fullwidth slash (a path character)', '/\uff0f\uff0fx', '/%EF%BC%8F%EF%BC%8Fx'],
  ['an @ in the path', '/@news', '/@news'],
  ['a colon in the path', '/a:b', '/a:b'],
  ['a slash inside the query', '/a?//evil.example', '/a?//evil.example'],
  ['a slash inside the fragment', '/a#//evil.example', '/a#//evil.example'],
];

describe('safeReturnPath: the short table', () => {
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
});

describe('safeReturnPath refuses every hostile spelling', () => {
  it(`tries ${HOSTILE.length} spellings`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE)('%s', (_, spelling) => {
    expect(safeReturnPath(spelling)).toBeNull();
  });
});

describe('safeReturnPath keeps same-site paths', () => {
  it.each(ALLOWED)('%s', (_, input, expected) => {
    const path = safeReturnPath(input);
    expect(path).toBe(expected);
    expectStaysOnSite(path as string);
  });
});

/**
 * A property: whatever text goes in, anything that comes out stays on the site. The inputs are
 * random strings over the characters and tokens that matter (slashes, backslashes, dots and
 * their encodings, whitespace, `@`, `:`, `?`, `#`), from a fixed seed so a failure replays.
 */
describe('safeReturnPath: nothing it returns can leave the site', () => {
  const TOKENS = [
    '/',
    '//',
    '\\',
    '.',
    '..',
    '%2e',
    '%2E',
    '%2f',
    '%2F',
    '%5c',
    '%5C',
    '%25',
    '%252f',
    '%09',
    '%0a',
    '%00',
    '\t',
    '\n',
    ' ',
    '@',
    ':',
    '?',
    '#',
    ';',
    'evil.example',
    'https:',
    'javascript:',
    '_paywall',
    '%5Fpaywall',
    'a',
    '\uff0f',
    '\u3002',
  ];

  function* randomInputs(count: number): Generator<string> {
    // xorshift32: integer-only, so the sequence is exact (a float LCG loses its low bits).
    let seed = 0x2f2f2f2f;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    for (let i = 0; i < count; i++) {
      const length = 1 + (next() % 8);
      let text = next() % 4 === 0 ? '' : '/';
      for (let j = 0; j < length; j++) text += TOKENS[next() % TOKENS.length];
      yield text;
    }
  }

  it('holds for 20 000 generated inputs', () => {
    const inputs = [...randomInputs(20_000)];
    // The generator must be varied, or the property proves nothing.
    expect(new Set(inputs).size).toBeGreaterThan(15_000);
    let accepted = 0;
    for (const input of inputs) {
      const path = safeReturnPath(input);
      if (path === null) continue;
      accepted += 1;
      try {
        expectStaysOnSite(path);
      } catch (error) {
        throw new Error(`${JSON.stringify(input)} → ${JSON.stringify(path)}: ${error}`);
      }
    }
    // It must also reach the accepting side.
    expect(accepted).toBeGreaterThan(500);
  });
});
