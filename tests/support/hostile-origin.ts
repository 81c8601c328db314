import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { keepAliveLikeClients, listen } from '../../tools/lib/http-server';
import { FEEDS, MARKUP, REFERENCE_PAGE, WALLED } from './hostile-pages';

// An origin that does what real origins do and the demo site does not: it honours Range
// (as nginx and Cloudflare's cache do), answers If-None-Match with a 304, varies on Accept
// and X-Original-URL, answers any method with the full page, and serves markup and feeds we
// did not write (tests/support/hostile-pages.ts). Every request is recorded, so a test can
// prove what reached the origin (or that nothing did): `GET /__requests?has=<text>` lists
// the recorded requests whose path contains <text>, without being recorded itself.

interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

const TYPES: Record<string, string | null> = {
  xhtml: 'application/xhtml+xml',
  html: 'text/html; charset=utf-8',
  'html-upper': 'TEXT/HTML; Charset=UTF-8',
  plain: 'text/plain; charset=utf-8',
  json: 'application/json',
  octet: 'application/octet-stream',
  svg: 'image/svg+xml',
  xml: 'text/xml',
  none: null,
};

export async function startHostileOrigin(): Promise<{ url: string; close(): Promise<void> }> {
  const recorded: Recorded[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://origin.invalid');
    if (url.pathname === '/__requests') {
      const has = url.searchParams.get('has') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(recorded.filter((r) => r.url.includes(has))));
      return;
    }
    recorded.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    // Drain any request body before answering.
    req.resume();
    req.on('end', () => answer(req, res, url));
  });
  keepAliveLikeClients(server);
  const { url } = await listen(server, 0, '127.0.0.1');
  return {
    url,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

function answer(req: IncomingMessage, res: ServerResponse, url: URL): void {
  const original = header(req, 'x-original-url');
  const path = original ? new URL(original, url).pathname : url.pathname;
  const [, kind = '', name = ''] = path.split('/');
  const accept = header(req, 'accept') ?? '';
  if (accept.includes('application/json')) {
    send(req, res, 200, 'application/json', JSON.stringify({ body: `${WALLED} as JSON` }));
    return;
  }
  if (header(req, 'if-none-match') || header(req, 'if-modified-since')) {
    res.writeHead(304, { etag: '"v1"' });
    res.end();
    return;
  }
  // Lenient like many servers: case, repeated and trailing slashes, escaped dots.
  const feed = FEEDS[lenient(path)];
  if (feed) {
    send(req, res, feed.status, feed.type, feed.body, feed.headers);
    return;
  }
  if (kind === 'markup') {
    const markup = MARKUP[name];
    if (markup) {
      send(req, res, 200, TYPES.html ?? null, markup.html);
      return;
    }
  }
  if (kind === 'status') {
    const status = Number(name);
    if (status === 206) {
      res.writeHead(206, {
        'content-type': 'text/html',
        'content-range': `bytes 0-${REFERENCE_PAGE.length - 1}/${REFERENCE_PAGE.length}`,
      });
      res.end(REFERENCE_PAGE);
      return;
    }
    const extra: Record<string, string> = status >= 300 && status < 400 ? { location: '/' } : {};
    send(req, res, status, TYPES.html ?? null, REFERENCE_PAGE, extra, false);
    return;
  }
  const type = kind === 'type' && name in TYPES ? (TYPES[name] ?? null) : (TYPES.html ?? null);
  send(req, res, 200, type, REFERENCE_PAGE);
}

/** Answers with `body`, or with the byte range the request asks for (one range, in bytes). */
function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string | null,
  body: string,
  extra: Record<string, string> = {},
  honourRange = true,
): void {
  const bytes = Buffer.from(body);
  const headers: Record<string, string> = { 'accept-ranges': 'bytes', etag: '"v1"', ...extra };
  if (type) headers['content-type'] = type;
  const range =
    honourRange && status === 200 ? parseRange(header(req, 'range'), bytes.length) : null;
  if (range) {
    const [start, end] = range;
    headers['content-range'] = `bytes ${start}-${end}/${bytes.length}`;
    res.writeHead(206, headers);
    res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
    return;
  }
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function parseRange(value: string | undefined, size: number): [number, number] | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(value ?? '');
  if (!match) return null;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return null;
  const start = from === '' ? Math.max(0, size - Number(to)) : Number(from);
  const end = from === '' || to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return start <= end ? [start, end] : null;
}

function lenient(path: string): string {
  const plain = path
    .replace(/%2e/gi, '.')
    .toLowerCase()
    .replace(/\/{2,}/g, '/');
  return plain.length > 1 ? plain.replace(/\/+$/, '') : plain;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
