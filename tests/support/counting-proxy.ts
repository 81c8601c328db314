import { Agent, createServer, request as httpRequest } from 'node:http';

/**
 * Sits at the service's door and counts what reaches it, by method and path
 * (`POST /_paywall/v1/access`, `GET /.well-known/jwks.json`, …), then passes every request
 * through untouched (status, headers, redirects, cookies). `GET /__counts` reads the counts
 * without adding to them. Tests read the counts before and after a step and assert the
 * difference: that is "calls made to the service", seen from the service's side.
 */
export async function startCountingProxy(
  target: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const counts: Record<string, number> = {};
  // A fresh connection per request: Node's global agent keeps sockets alive, and reusing one
  // that the service (wrangler dev) has just closed fails the request with a reset, which
  // the proxy can only answer 502: a failure of this proxy, not of the service under test.
  const agent = new Agent({ keepAlive: false });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/__counts') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(counts));
      return;
    }
    const key = `${req.method} ${path}`;
    counts[key] = (counts[key] ?? 0) + 1;
    const forward = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
