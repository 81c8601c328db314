import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { keepAliveLikeClients, listen } from '../lib/http-server';
import { BENCH_PATH } from './bench';
import { FAULT_PARAM, FAULT_PREFIX, HOLD_AFTER_BYTES, Holds, parseFault } from './faults';
import { type Reply, route } from './router';

// The demo news site that `npm start` puts behind the worker, and that tests and benchmarks
// fetch through it. This file is the HTTP shell (methods, HEAD, headers, streaming with
// backpressure); the routes are in router.ts. It never sets cookies: anything personal in a
// response behind the paywall came from the paywall.

export interface DemoOriginOptions {
  /** 0 = ephemeral; default 8788. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
}

export interface DemoOrigin {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Streamed pages are written in pieces of about this size: large enough to be cheap. */
const STREAM_CHUNK_CHARS = 16 * 1024;

export async function startDemoOrigin(opts: DemoOriginOptions = {}): Promise<DemoOrigin> {
  const host = opts.host ?? '127.0.0.1';
  const holds = new Holds();
  const server = createServer((req, res) => {
    handle(req, res, holds).catch((error: unknown) => {
      console.error('demo-origin: request failed:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });
  keepAliveLikeClients(server);
  const { url, port } = await listen(server, opts.port ?? 8788, host);
  return {
    url,
    port,
    close: () => {
      holds.releaseAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, holds: Holds): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  const base = baseUrl(req);
  const url = new URL(req.url ?? '/', base);
  const faultUrl = asFaultUrl(url);
  if (faultUrl) return fault(req, res, faultUrl, base, holds);
  await send(req, res, route(url, base));
}

async function send(req: IncomingMessage, res: ServerResponse, reply: Reply): Promise<void> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff', ...reply.headers };
  if (typeof reply.body === 'string' || reply.body instanceof Uint8Array) {
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    headers['content-length'] = String(body.byteLength);
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(reply.status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await stream(res, reply.body.stream);
}

/**
 * Writes generated pieces in ~16 KB chunks, waiting for `drain` when the socket is full, so a
 * slow reader holds one chunk in memory, not the page. Stops if the client goes away.
 */
async function stream(
  res: ServerResponse,
  pieces: Iterable<string>,
  hold?: { afterBytes: number; until: () => Promise<void> },
): Promise<void> {
  let buffered = '';
  let sent = 0;
  let held = hold === undefined;
  for (const piece of pieces) {
    buffered += piece;
    if (buffered.length < STREAM_CHUNK_CHARS) continue;
    const full = !res.write(buffered);
    sent += Buffer.byteLength(buffered);
    buffered = '';
    if (full && !(await drained(res))) return;
    if (res.destroyed) return;
    if (!held && hold && sent >= hold.afterBytes) {
      held = true;
      if (!(await untilOrClosed(res, hold.until()))) return;
    }
  }
  res.end(buffered);
}

/** Resolves true when `done` settles, false if the response closed first. */
function untilOrClosed(res: ServerResponse, done: Promise<void>): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    res.once('close', onClose);
    done.then(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    });
  });
}

/**
 * `/_fault/<mode>/<n>/<path>`, or the same as a query, `<path>?_fault=<mode>/<n>`: then the
 * article keeps its own path (and, behind the worker, its own article id and meter entry).
 */
function asFaultUrl(url: URL): URL | null {
  if (url.pathname.startsWith(FAULT_PREFIX)) return url;
  const spec = url.searchParams.get(FAULT_PARAM);
  if (spec === null) return null;
  const target = new URL(url);
  target.searchParams.delete(FAULT_PARAM);
  target.pathname = `${FAULT_PREFIX}${spec}${url.pathname}`;
  return target;
}

/** An injected fault (faults.ts): per request, so parallel tests never disturb each other. */
async function fault(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  base: string,
  holds: Holds,
): Promise<void> {
  const f = parseFault(url);
  const text = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
  if (!f) {
    res.writeHead(400, text);
    res.end('malformed fault URL: see tools/demo-origin/README.md\n');
    return;
  }
  switch (f.mode) {
    case 'release':
      holds.release(f.token);
      res.writeHead(200, text);
      res.end('released\n');
      return;
    case 'slow-first-byte': {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, f.ms);
      });
      const answered = await untilOrClosed(res, waited);
      clearTimeout(timer);
      if (answered) await send(req, res, route(pageUrl(f.path, url, base), base));
      return;
    }
    case 'reset-mid-stream':
      return breakAfter(res, route(pageUrl(f.path, url, base), base), f.bytes);
    case 'stall-mid-stream': {
      // Silent until the client gives up or the server closes (which releases every hold).
      const token = `stall-${randomUUID()}`;
      return breakAfter(res, route(pageUrl(f.path, url, base), base), f.bytes, async () => {
        await untilOrClosed(res, holds.wait(token));
        holds.release(token);
      });
    }
    case 'huge-no-length': {
      const reply = route(new URL(`${BENCH_PATH}?kb=${f.kb}`, base), base);
      if (typeof reply.body === 'string' || reply.body instanceof Uint8Array) {
        throw new Error('the bench article is always streamed');
      }
      res.writeHead(reply.status, { 'x-content-type-options': 'nosniff', ...reply.headers });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const token = f.hold;
      await stream(
        res,
        reply.body.stream,
        token === null
          ? undefined
          : { afterBytes: HOLD_AFTER_BYTES, until: () => holds.wait(token) },
      );
      return;
    }
  }
}

/** The page a fault wraps: its path, with the query minus the fault's own `hold`. */
function pageUrl(path: string, faultUrl: URL, base: string): URL {
  const target = new URL(path, base);
  target.search = faultUrl.search;
  target.searchParams.delete('hold');
  return target;
}

/**
 * The reply's headers (a whole page keeps the content-length it promised) and its first
 * `bytes` bytes, then (after `meanwhile`, for a stall) the socket is destroyed: the reader's
 * connection breaks mid-page.
 */
async function breakAfter(
  res: ServerResponse,
  reply: Reply,
  bytes: number,
  meanwhile: () => Promise<void> = async () => {},
): Promise<void> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff', ...reply.headers };
  let head: Buffer;
  if (typeof reply.body === 'string' || reply.body instanceof Uint8Array) {
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : Buffer.from(reply.body);
    headers['content-length'] = String(body.byteLength);
    head = body.subarray(0, bytes);
  } else {
    const parts: Buffer[] = [];
    let size = 0;
    for (const piece of reply.body.stream) {
      if (size >= bytes) break;
      const part = Buffer.from(piece);
      parts.push(part);
      size += part.byteLength;
    }
    head = Buffer.concat(parts).subarray(0, bytes);
  }
  res.writeHead(reply.status, headers);
  res.flushHeaders();
  await new Promise<void>((resolve) => {
    res.write(head, () => resolve());
  });
  await meanwhile();
  res.destroy();
}

/** Resolves true on `drain`, false if the response closed first. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** Where the reader reached the site; a proxy in front may say so with X-Forwarded-*. */
function baseUrl(req: IncomingMessage): string {
  const forwardedHost = header(req, 'x-forwarded-host');
  if (!forwardedHost) return `http://${req.headers.host ?? '127.0.0.1'}`;
  const proto = header(req, 'x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${proto}://${forwardedHost}`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;
}
