import { createServer } from 'node:net';

/**
 * A port the OS says is free right now. Ports 8787/8079 belong to `npm start`, so benches
 * never use fixed ports; the tiny race between closing this probe and the child binding
 * the port is acceptable for a bench (a clash fails loudly at start-up).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `url` until `ready(response)` holds, or fails after `timeoutMs` with the last
 * status or error, plus whatever `describe()` adds (e.g. a child's recent output).
 */
export async function waitForHttp(
  url: string,
  opts: {
    timeoutMs: number;
    ready?: (res: Response) => Promise<boolean> | boolean;
    describe?: () => string;
    aborted?: () => string | null;
  },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    const stopped = opts.aborted?.();
    if (stopped) throw new Error(`${stopped}\n${opts.describe?.() ?? ''}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (await (opts.ready ?? ((r) => r.ok))(res)) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  throw new Error(
    `${url} not ready after ${opts.timeoutMs} ms (${last})\n${opts.describe?.() ?? ''}`,
  );
}
