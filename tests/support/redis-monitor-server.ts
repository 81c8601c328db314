import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Redis from 'ioredis';

/**
 * Counts commands at Redis itself for tests in workerd (which cannot run MONITOR). A test
 * opens a watch for a key prefix, drives the worker, then reads back every command that
 * named that prefix, Lua-internal ones included. Runs in Node from tests/global-setup.ts,
 * only when the real redis-server backs upstash-local.
 *
 *   POST /watch?prefix=P  → {"id": "..."}    start collecting
 *   GET  /watch/ID        → {"commands": [{"args": [...], "lua": bool}]}
 */
interface Watch {
  prefix: string;
  commands: { args: string[]; lua: boolean }[];
}

export async function startRedisMonitorServer(redisUrl = 'redis://127.0.0.1:6379') {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const monitor = await client.monitor();
  const watches = new Map<string, Watch>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    for (const watch of watches.values()) {
      if (args.some((a) => a.includes(watch.prefix))) {
        watch.commands.push({ args, lua: /lua/i.test(source) });
      }
    }
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/watch') {
      const prefix = url.searchParams.get('prefix') ?? '';
      if (prefix.length < 8) return send(400, { error: 'prefix too short' });
      const id = crypto.randomUUID();
      watches.set(id, { prefix, commands: [] });
      return send(200, { id });
    }
    const watch = watches.get(url.pathname.replace('/watch/', ''));
    if (req.method === 'GET' && watch) return send(200, { commands: watch.commands });
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      monitor.disconnect();
      client.disconnect();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
