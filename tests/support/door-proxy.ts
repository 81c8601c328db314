import { Agent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';

/**
 * A proxy at the door of `wrangler dev`, passing every request through untouched (method,
 * path, headers, body; status, headers, streamed body, redirects, cookies), with two jobs:
 *
 * - **Counting** (`countCalls`): what reaches the service, by method and path
 *   (`POST /_paywall/v1/access`, …). `GET /__counts` reads the counts without adding to them.
 *   Tests read them before and after a step: "calls made to the service", seen from its side.
 * - **Hiding one wrangler dev artifact.** wrangler dev puts its own proxy worker in front of
 *   ours and reaches it over a pooled loopback connection. When it picks a connection the
 *   other end is just closing, the call fails with "Network connection lost" before our
 *   worker has seen it, and wrangler answers a POST with its own 503 ("Your worker restarted
 *   mid-request… Only GET or HEAD requests are retried automatically") though nothing
 *   restarted: wrangler 4.86 compares the request's whole URL with the worker's base URL
 *   to tell a restart, so every lost connection on a path looks like one (seen: the same
 *   host and port). Production has no such hop. Each resend is printed, never hidden: were
 *   our worker itself to crash, the line says so. This proxy sends the request again, once, on
 *   exactly that answer, so a test never fails on it. Any other 5xx passes through.
 *
 * A fresh upstream connection per request, for the same reason one level down: Node's
 * global agent keeps sockets alive, and reusing one the service has just closed would fail
 * the request with a reset.
 */
export async function startDoorProxy(
  target: string,
  options: { countCalls?: boolean; keepHost?: boolean; port?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const counts: Record<string, number> = {};
  const agent = new Agent({ keepAlive: false });

  const send = (req: IncomingMessage, body: Buffer) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const forward = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: options.keepHost ? req.headers : { ...req.headers, host: upstream.host },
          agent,
        },
        resolve,
      );
      forward.on('error', reject);
      forward.end(body);
    });

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (options.countCalls && path === '/__counts') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(counts));
      return;
    }
    if (options.countCalls) {
      const key = `${req.method} ${path}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    try {
      const body = await readAll(req);
      let answer = await send(req, body);
      let replay: Buffer | undefined;
      if (mayBeWranglerRestartAnswer(answer)) {
        replay = await readAll(answer);
        if (replay.toString('utf8').startsWith(WRANGLER_RESTART_ANSWER)) {
          // Always said: a resend hides the first answer, and it must never hide ours.
          process.stderr.write(
            `[door proxy] wrangler dev answered "restarted mid-request"; sent again: ${req.method} ${path}\n`,
          );
          answer = await send(req, body);
          replay = undefined;
        }
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (replay) res.end(replay);
      else answer.pipe(res);
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
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

/** The start of the body of wrangler dev's 503 for a POST whose inner hop failed. */
const WRANGLER_RESTART_ANSWER = 'Your worker restarted mid-request.';

const mayBeWranglerRestartAnswer = (answer: IncomingMessage) =>
  answer.statusCode === 503 && answer.headers['retry-after'] === '0';

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
