import { startUpstashLocal } from '../../tools/upstash-local/server';

/**
 * Runs upstash-local in its own Node process for a bench. In the bench's own process it
 * would share one event loop with the load generator (autocannon), and each would slow the
 * other in ways that have nothing to do with the worker. Talks to the parent over IPC:
 * receives `{ token, redisUrl }`, answers `{ url, port, backend }`, closes on 'close' or
 * when the parent goes away.
 */
type Start = { type: 'start'; token: string; redisUrl: string };

if (!process.send) throw new Error('upstash-child must be started with an IPC channel');
const send = (msg: unknown) => process.send?.(msg);

process.once('message', async (msg: Start) => {
  try {
    const server = await startUpstashLocal({
      port: 0,
      token: msg.token,
      backend: 'redis', // MONITOR counts commands at the real redis-server
      redisUrl: msg.redisUrl,
    });
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= server
        .close()
        .catch(() => {})
        .finally(() => process.exit(0));
      return closing;
    };
    process.on('message', (m) => m === 'close' && void close());
    process.on('disconnect', () => void close());
    process.on('SIGTERM', () => void close());
    send({ type: 'ready', url: server.url, port: server.port, backend: server.backend });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
});
