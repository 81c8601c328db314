import fc from 'fast-check';

// Generators for the fuzz suite (tests/fuzz): request parts as a hostile or broken client
// would spell them. Pure fast-check, no workerd imports.

/** Any JSON value, small: what a client might post where an object is expected. */
export const jsonJunk = fc.jsonValue({ maxDepth: 3 });

/** Text no parser expects: unicode, control characters, lone surrogates, NULs. */
export const junkText = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  fc.string({ unit: 'binary', maxLength: 32 }),
  fc.constantFrom('', '\u0000', '{', '[', '"', 'null', '{"a":', '%', '%zz', '\r\n', '\ud800'),
);

/** A string that may be too long for any field's limit. */
export const oversized = fc
  .tuple(fc.constantFrom('a', 'é', '%41', '~', '.'), fc.integer({ min: 200, max: 9000 }))
  .map(([c, n]) => c.repeat(n));

export const maybeString = fc.oneof(junkText, oversized, fc.webUrl(), fc.emailAddress());

export const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'text/plain',
  'text/html',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  '',
  ';;;',
  'application/json, text/html',
);

export const accept = fc.constantFrom(
  undefined,
  'text/html',
  'application/json',
  '*/*',
  'text/html, application/json;q=0.1',
  'image/*',
  '',
);

/** An IP address the rate limits bucket by, spread so fuzzing does not trip them. */
export const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', 'unknown', 'not-an-ip'));

/** A request body: JSON of any shape, a form, or junk. */
export const body = fc.oneof(
  jsonJunk.map((v) => JSON.stringify(v)),
  fc
    .dictionary(fc.constantFrom('email', 'code', 'offer', 'returnTo', 'intent', 'x'), maybeString)
    .map((d) => new URLSearchParams(d as Record<string, string>).toString()),
  junkText,
  oversized,
  fc.constant(''),
);

const cookieName = fc.constantFrom(
  '__Host-paywall_rid',
  '__Host-paywall_ent',
  '__Host-paywall_acct',
  '__Host-paywall_signin',
  'other',
  '',
);

/** A cookie value: forged, truncated (from `genuine`), oversized or junk. */
export function cookieValue(genuine: string[] = []) {
  const arbs = [
    junkText,
    oversized,
    fc.base64String({ maxLength: 200 }),
    fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/))
      .map(([a, b]) => `${a}.${b}`),
  ];
  if (genuine.length > 0) {
    const g = fc.constantFrom(...genuine);
    arbs.push(
      g,
      fc.tuple(g, fc.nat()).map(([v, n]) => v.slice(0, n % (v.length + 1))),
      fc.tuple(g, fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([v, n, c]) => {
        const at = n % Math.max(1, v.length);
        return v.slice(0, at) + c + v.slice(at + 1);
      }),
      g.map((v) => v + v),
    );
  }
  return fc.oneof(...arbs);
}

/** A Cookie header: names ours and others, repeated, with any values; or raw junk. */
export function cookieHeader(genuine: string[] = []) {
  return fc.oneof(
    fc
      .array(fc.tuple(cookieName, cookieValue(genuine)), { maxLength: 5 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('; ')),
    junkText,
    fc.constant(undefined),
  );
}

/** Headers a client might add: Range, conditionals, forwarding, odd encodings. */
export const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'range',
    'if-none-match',
    'if-modified-since',
    'if-match',
    'if-range',
    'x-forwarded-for',
    'x-forwarded-host',
    'forwarded',
    'origin',
    'referer',
    'accept-encoding',
    'cache-control',
    'user-agent',
    'x-real-ip',
    'host',
    'content-length',
    'transfer-encoding',
  ),
  fc.oneof(
    fc.constantFrom(
      'bytes=0-10',
      'bytes=-1',
      'bytes=5-',
      'bytes=0-0,5-9',
      'bytes=abc',
      'items=0-1',
      '*',
      'W/"x"',
      '"etag"',
      'Thu, 01 Jan 1970 00:00:00 GMT',
      'https://paywall.test',
      'https://evil.example',
      'null',
      'gzip, br',
      'Googlebot/2.1',
    ),
    fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
  ),
  { maxKeys: 4 },
);

/** One path segment as any spelling: dots, slashes, percent-encodings, junk. */
const segment = fc.oneof(
  fc.constantFrom(
    '.',
    '..',
    '%2e',
    '%2E%2e',
    '.%2e',
    '',
    '%2f',
    '%2F',
    '%5c',
    '\\',
    '%00',
    '%0d%0a',
    '%09',
    '%25',
    '%252e%252e',
    '%',
    '%zz',
    '_paywall',
    '%5Fpaywall',
    'amp',
    'print',
    'feed',
    '2026',
    '11',
    'wp-json',
    '?',
    '#',
    ';',
    '@',
    'evil.example',
  ),
  fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);

/** A path: random segments, or a real article's path spelled with random encodings. */
export function path(articlePaths: string[] = []) {
  const random = fc
    .array(segment, { minLength: 1, maxLength: 6 })
    .map((segs) => `/${segs.join('/')}`);
  const joiner = fc.constantFrom('/', '//', '/./', '/x/../', '/%2e/', '\\');
  if (articlePaths.length === 0) return random;
  const spelled = fc
    .tuple(
      fc.constantFrom(...articlePaths),
      fc.constantFrom('', '/amp', '/print', '/feed', '//', '/.'),
      joiner,
      fc.constantFrom('', '/', '?', '?amp=1', '?output=amp', '#x', '%2f', '/.', '/..', ';x'),
      fc.boolean(),
    )
    .map(([p, pre, j, suffix, encodeOne]) => {
      let body = p.split('/').filter(Boolean).join(j);
      if (encodeOne) body = body.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`);
      return `${pre}/${body}${suffix}`;
    });
  // Mostly an article's path: that is where a wall can leak.
  return fc.oneof({ arbitrary: random, weight: 1 }, { arbitrary: spelled, weight: 3 });
}

export const method = fc.constantFrom(
  'GET',
  'GET',
  'GET',
  'HEAD',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'PROPFIND',
  'get',
);

/** Sets headers leniently: a value `Headers` refuses is dropped (a client could not send it). */
export function headersFrom(entries: Record<string, string | undefined>): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(entries)) {
    // Non-ASCII would be sent as UTF-8 bytes by workerd with a warning each time; browsers refuse it.
    if (v === undefined || /[^\t -~]/.test(v)) continue;
    try {
      headers.set(k, v);
    } catch {
      // not sendable on the wire
    }
  }
  return headers;
}
