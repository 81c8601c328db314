import { subscribe } from 'node:diagnostics_channel';
import { startDemoOrigin } from '../../tools/demo-origin/server';

/**
 * Runs the demo origin (tools/demo-origin) in its own Node process for a bench, so
 * generating a page never shares an event loop with the load generator. Counts the
 * requests it serves (Node's `http.server.request.start` diagnostics channel, so the demo
 * origin needs no hook): a bench can tell whether the worker's edge cache answered or the
 * origin did. Talks to the parent over IPC: receives `start`, answers
 * `{ url, port }`; `count` answers `{ type: 'count', requests }`; closes on 'close' or
 * when the parent goes away.
 */
if (!process.send) throw new Error('origin-child must be started with an IPC channel');
const send = (msg: unknown) => process.send?.(msg);

let requests = 0;
subscribe('http.server.request.start', () => {
  requests++;
});

process.once('message', async (msg: { type: 'start' }) => {
  if (msg.type !== 'start') return;
  try {
    const origin = await startDemoOrigin({ port: 0 });
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= origin
        .close()
        .catch(() => {})
        .finally(() => process.exit(0));
      return closing;
    };
    process.on('message', (m) => {
      if (m === 'close') void close();
      if (m === 'count') send({ type: 'count', requests });
    });
    process.on('disconnect', () => void close());
    process.on('SIGTERM', () => void close());
    send({ type: 'ready', url: origin.url, port: origin.port });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
});
