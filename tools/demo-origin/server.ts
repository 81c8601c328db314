import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { keepAliveLikeClients, listen } from '../lib/http-server';
import { route } from './router';

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
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  const base = baseUrl(req);
  const reply = route(new URL(req.url ?? '/', base), base);
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
async function stream(res: ServerResponse, pieces: Iterable<string>): Promise<void> {
  let buffered = '';
  for (const piece of pieces) {
    buffered += piece;
    if (buffered.length < STREAM_CHUNK_CHARS) continue;
    const full = !res.write(buffered);
    buffered = '';
    if (full && !(await drained(res))) return;
    if (res.destroyed) return;
  }
  res.end(buffered);
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
