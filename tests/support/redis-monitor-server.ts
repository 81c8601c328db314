import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Redis from 'ioredis';

/**
 * Counts commands at Redis itself for tests in workerd (which cannot run MONITOR). A test
 * opens a watch for a key prefix, drives the worker, then reads back every command that
 * named that prefix, Lua-internal ones included. Runs in Node from tests/global-setup.ts,
 * only when the real redis-server backs upstash-local.
 *
 *   POST /watch?prefix=P  → {"id": "..."}    start collecting (opens a MONITOR connection)
 *   GET  /watch/ID        → {"commands": [{"args": [...], "lua": bool}]}
 *   DELETE /watch/ID      → closes that MONITOR connection
 *
 * Each watch has its own MONITOR connection, open only while the test needs it: MONITOR
 * streams every command on the (shared) server, and a long-lived one would carry the load
 * of every other test and process too.
 */
interface Watch {
  prefix: string;
  commands: { args: string[]; lua: boolean }[];
  close(): void;
}

export async function startRedisMonitorServer(redisUrl = 'redis://127.0.0.1:6379') {
  const watches = new Map<string, Watch>();

  async function openWatch(prefix: string): Promise<string> {
    const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    await client.connect();
    const monitor = await client.monitor();
    monitor.on('error', () => {});
    const watch: Watch = {
      prefix,
      commands: [],
      close: () => {
        monitor.disconnect();
        client.disconnect();
      },
    };
    // The publisher's counters (`stats:` keys) are flushed in batches after responses, off any
    // reader's path, whenever a batch comes due: not what a watch measures (the traffic bench
    // prices them: bench/traffic).
    const counters = `${prefix}stats:`;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args.some((a) => a.includes(prefix) && !a.startsWith(counters)))
        watch.commands.push({ args, lua: /lua/i.test(source) });
    });
    const id = crypto.randomUUID();
    watches.set(id, watch);
    return id;
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/watch') {
      const prefix = url.searchParams.get('prefix') ?? '';
      if (prefix.length < 8) return send(400, { error: 'prefix too short' });
      openWatch(prefix).then(
        (id) => send(200, { id }),
        (error: unknown) => send(500, { error: String(error) }),
      );
      return;
    }
    const id = url.pathname.replace('/watch/', '');
    const watch = watches.get(id);
    if (!watch) return send(404, { error: 'not found' });
    if (req.method === 'DELETE') {
      watch.close();
      watches.delete(id);
      return send(200, { closed: true });
    }
    return send(200, { commands: watch.commands });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const watch of watches.values()) watch.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
