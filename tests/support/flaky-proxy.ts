import { createServer, request as httpRequest } from 'node:http';

/**
 * An HTTP proxy in front of upstash-local that fails a chosen share of requests, so tests
 * can prove webhooks lose nothing when Redis fails mid-processing. Tenants keep tests apart:
 * a worker uses `<proxy>/t/<tenant>` as its Upstash URL, and the test sets that tenant's
 * failures with `POST <proxy>/__flaky/<tenant>`: `{ "failRate": 0.2, "seed": 1 }` fails a
 * share at random, `{ "skip": 1, "fail": 1 }` lets one request through and fails the next.
 * Failures are deterministic for a seed (a small LCG), and answer 503 without forwarding.
 */
interface Tenant {
  failRate: number;
  /** Pass this many requests, then fail the next `fail` of them (on top of failRate). */
  skip: number;
  fail: number;
  state: number;
  forwarded: number;
  failed: number;
}

export async function startFlakyProxy(
  target: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const tenants = new Map<string, Tenant>();
  const tenant = (name: string) => {
    let t = tenants.get(name);
    if (!t) {
      t = { failRate: 0, skip: 0, fail: 0, state: 1, forwarded: 0, failed: 0 };
      tenants.set(name, t);
    }
    return t;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const control = /^\/__flaky\/([\w-]+)$/.exec(url.pathname);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (control?.[1]) {
        const t = tenant(control[1]);
        if (req.method === 'POST') {
          const cfg = JSON.parse(body.toString() || '{}') as {
            failRate?: number;
            seed?: number;
            skip?: number;
            fail?: number;
          };
          t.failRate = cfg.failRate ?? 0;
          t.skip = cfg.skip ?? 0;
          t.fail = cfg.fail ?? 0;
          t.state = (cfg.seed ?? 1) >>> 0 || 1;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ failRate: t.failRate, forwarded: t.forwarded, failed: t.failed }));
        return;
      }
      const routed = /^\/t\/([\w-]+)(\/.*)?$/.exec(url.pathname);
      if (!routed?.[1]) {
        res.writeHead(404).end();
        return;
      }
      const t = tenant(routed[1]);
      t.state = (Math.imul(t.state, 1_103_515_245) + 12_345) >>> 0;
      let failNow = t.state / 2 ** 32 < t.failRate;
      if (t.skip > 0) t.skip -= 1;
      else if (t.fail > 0) {
        t.fail -= 1;
        failNow = true;
      }
      if (failNow) {
        t.failed += 1;
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"error":"injected failure"}');
        return;
      }
      t.forwarded += 1;
      const proxied = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: `${routed[2] ?? '/'}${url.search}`,
          headers: { ...req.headers, host: upstream.host },
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      proxied.on('error', () => res.writeHead(502).end());
      proxied.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
