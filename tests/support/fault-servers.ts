import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';

// Servers that misbehave on purpose, so tests can prove the worker's own time limit.

/**
 * Accepts TCP connections and never answers: a Redis proxy that hangs. `connections()` counts
 * the connections it has accepted, so a test can prove how many calls were made to it without
 * timing them.
 */
export async function startHangingServer(): Promise<{
  url: string;
  connections(): number;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A port that refuses connections: Redis (or a mail API) unreachable. On a loopback address of
 * its own (127.0.0.2): on 127.0.0.1, any server started later on port 0 (a tool test, a bench,
 * wrangler dev) may be given the same port, and then the "closed" port answers (that made a
 * test see HTTP 404 instead of a refused connection). Nothing here binds 127.0.0.2.
 */
export const CLOSED_HOST = '127.0.0.2';
export async function startClosedPort(): Promise<{ url: string }> {
  const server = createServer();
  const port = await listen(server, CLOSED_HOST);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `http://${CLOSED_HOST}:${port}` };
}

function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('no port'));
    });
  });
}

/**
 * Counts every request it receives: point a token's `jku`/`x5u` at it and assert the count
 * stays 0, proving the worker never follows a key reference. `GET /__count` reads the
 * count without adding to it.
 */
export async function startCanaryServer(): Promise<{ url: string; close(): Promise<void> }> {
  let hits = 0;
  const server = createHttpServer((req, res) => {
    if (req.url === '/__count') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ hits }));
      return;
    }
    hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

/** Serves `read()` as JSON at any path: how tests in workerd read counts kept in Node. */
export async function startCountReporter(
  read: () => Record<string, number>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(read()));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
