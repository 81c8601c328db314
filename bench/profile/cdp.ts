import { createRequire } from 'node:module';

interface Socket {
  once(event: 'open', cb: () => void): void;
  once(event: 'error', cb: (error: Error) => void): void;
  on(event: 'message', cb: (data: Buffer) => void): void;
  send(data: string): void;
  close(): void;
}
// ws is a devDependency without types; Node 20 has no WebSocket global (as tests/soak/heap.ts).
const WebSocketCtor = createRequire(import.meta.url)('ws') as new (url: string) => Socket;

/**
 * A minimal Chrome DevTools Protocol session over a WebSocket: send a method, await its
 * result. Enough for the Profiler domain; events are ignored.
 */
export interface CdpSession {
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

export async function openCdp(wsUrl: string): Promise<CdpSession> {
  const ws = new WebSocketCtor(wsUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (msg.id === undefined) return;
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) waiter?.reject(new Error(msg.error.message));
    else waiter?.resolve(msg.result);
  });
  return {
    send<T>(method: string, params: Record<string, unknown> = {}) {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      });
    },
    close: () => ws.close(),
  };
}
