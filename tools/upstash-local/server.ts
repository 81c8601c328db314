import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { keepAliveLikeClients, listen } from '../lib/http-server';
import type { Backend } from './backend';
import { type BackendChoice, chooseBackend } from './choose-backend';
import {
  type FaultAction,
  FaultConfigError,
  Faults,
  parseFaultConfig,
  tenantOfControlPath,
  tenantOfPath,
} from './faults';
import { answer } from './protocol';

// A local stand-in for Upstash's REST endpoint, so the real @upstash/redis client, configured
// as the worker configures it (src/redis/client.ts), talks to it unchanged in workerd, in
// tests and in `npm start`. This file is the HTTP shell:
// listening, auth, body limits, headers. The routes are in protocol.ts.

export interface UpstashLocalOptions {
  /** 0 = ephemeral; default 8079. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Bearer token clients must send. */
  token: string;
  /**
   * auto: REDIS_URL (or redisUrl) if set, else a redis-server at 127.0.0.1:6379 if it answers
   * PING within ~300 ms, else memory.
   */
  backend?: BackendChoice;
  /** Overrides REDIS_URL for the 'redis' backend. */
  redisUrl?: string;
}

export interface UpstashLocal {
  url: string;
  port: number;
  backend: 'redis' | 'memory';
  /** e.g. "redis at redis://127.0.0.1:6379", for logs. */
  description: string;
  close(): Promise<void>;
}

/** Upstash's request limit is in megabytes; anything larger here is a mistake, not a load. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function startUpstashLocal(opts: UpstashLocalOptions): Promise<UpstashLocal> {
  if (!opts.token) throw new Error('upstash-local: a token is required');
  const backend = await chooseBackend(opts.backend ?? 'auto', opts.redisUrl);
  const host = opts.host ?? '127.0.0.1';
  const faults = new Faults();
  const server = createServer((req, res) => {
    handle(backend, faults, opts.token, req, res);
  });
  keepAliveLikeClients(server);
  server.requestTimeout = 60_000;
  let bound: { url: string; port: number };
  try {
    bound = await listen(server, opts.port ?? 8079, host);
  } catch (error) {
    await backend.close();
    throw error;
  }
  const { url, port } = bound;
  return {
    url,
    port,
    backend: backend.kind,
    description: backend.description,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await backend.close();
    },
  };
}

function handle(
  backend: Backend,
  faults: Faults,
  token: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const send = (status: number, body: unknown) => {
    if (res.headersSent || res.destroyed) return;
    // No upstash-sync-token: the worker's client turns read-your-writes off
    // (src/redis/client.ts), and one Redis behind one server is consistent anyway.
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const url = new URL(req.url ?? '/', 'http://upstash-local');
  if (!authorized(req, token)) {
    // Drain the body so the connection stays usable for the next request.
    req.resume();
    send(401, { error: 'Unauthorized' });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      send(413, { error: `ERR request body larger than ${MAX_BODY_BYTES} bytes` });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const control = tenantOfControlPath(url.pathname);
    if (control !== null) {
      switchFault(faults, control, req.method ?? 'GET', body, send);
      return;
    }
    // `/t/<tenant>` is served as `/`, under that tenant's fault (faults.ts).
    const scoped = tenantOfPath(url.pathname);
    const action: FaultAction = scoped
      ? faults.next(scoped.tenant, req.method === 'POST' ? parseLoosely(body) : null)
      : { kind: 'pass' };
    if (action.kind === 'drop') {
      // Down: the connection is reset, as when nothing listens or a proxy gives up.
      req.socket.destroy();
      return;
    }
    if (action.kind === 'answer') {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(action.status, { 'content-type': action.contentType });
      res.end(action.body);
      return;
    }
    const encoding = req.headers['upstash-encoding'];
    const run = () =>
      answer(backend, {
        method: req.method ?? 'GET',
        path: scoped ? scoped.rest : url.pathname,
        body,
        base64: typeof encoding === 'string' && encoding.toLowerCase() === 'base64',
      }).then(
        (a) => send(a.status, a.body),
        (error: unknown) => send(500, { error: `ERR upstash-local internal error: ${error}` }),
      );
    // Slow: the command still runs once the delay is over, whether or not the client waited,
    // so a write can land after the worker gave up on it (as with a slow link to Redis).
    if (action.kind === 'delay' && scoped) {
      faults.delayed(scoped.tenant, 1);
      setTimeout(() => {
        void run().finally(() => faults.delayed(scoped.tenant, -1));
      }, action.ms).unref();
    } else void run();
  });
}

/** `GET` reads a tenant's fault and counters; `POST` sets it (`{"mode":"none"}` clears). */
function switchFault(
  faults: Faults,
  tenant: string,
  method: string,
  body: string,
  send: (status: number, body: unknown) => void,
): void {
  if (method === 'GET') {
    send(200, faults.get(tenant));
    return;
  }
  if (method !== 'POST') {
    send(405, { error: 'ERR upstash-local: use GET or POST for /_local/faults' });
    return;
  }
  try {
    send(200, faults.set(tenant, parseFaultConfig(body)));
  } catch (error) {
    if (error instanceof FaultConfigError) send(400, { error: `ERR ${error.message}` });
    else throw error;
  }
}

function parseLoosely(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/** `Authorization: Bearer <token>`, as the client sends it (Upstash's `?_token=` is not served). */
function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
  return sameSecret(given, token);
}

/** Constant-time comparison; hashing first makes the lengths equal. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
