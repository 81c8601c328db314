import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

// A webhook receiver for tests, run in Node (globalSetup) because tests in workerd cannot
// listen. Each test posts to its own bucket (`POST /hook/<bucket>`); the test reads back
// exactly what arrived (raw body and headers, in arrival order) with `GET /received/<bucket>`
// and can make the next deliveries fail (`POST /config/<bucket>`) to exercise retries.

export interface Captured {
  body: string;
  signature: string | null;
  contentType: string | null;
  receivedAt: number;
  /** The status this receiver answered. */
  status: number;
}

interface BucketConfig {
  /** Answer this many deliveries with `failStatus` before succeeding again. */
  failNext: number;
  failStatus: number;
}

export interface WebhookCapture {
  url: string;
  close(): Promise<void>;
}

export async function startWebhookCapture(): Promise<WebhookCapture> {
  const received = new Map<string, Captured[]>();
  const config = new Map<string, BucketConfig>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://capture');
    const [, kind, bucket] = url.pathname.split('/');
    const body = await text(req);
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (!bucket) return reply(404, { error: 'no bucket' });
    if (req.method === 'POST' && kind === 'hook') {
      const cfg = config.get(bucket);
      const status = cfg && cfg.failNext > 0 ? cfg.failStatus : 200;
      if (cfg && cfg.failNext > 0) cfg.failNext -= 1;
      const list = received.get(bucket) ?? [];
      list.push({
        body,
        signature: header(req, 'stripe-signature'),
        contentType: header(req, 'content-type'),
        receivedAt: Date.now(),
        status,
      });
      received.set(bucket, list);
      return reply(status, { received: status === 200 });
    }
    if (req.method === 'GET' && kind === 'received') return reply(200, received.get(bucket) ?? []);
    if (req.method === 'POST' && kind === 'config') {
      const input = JSON.parse(body || '{}') as Partial<BucketConfig>;
      config.set(bucket, { failNext: input.failNext ?? 0, failStatus: input.failStatus ?? 500 });
      return reply(200, config.get(bucket));
    }
    reply(404, { error: 'unknown route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
