/// <reference types="node" />
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The worker's own JavaScript heap, after a full GC, read through the inspector that
 * `wrangler dev` opens on the workerd runtime (`--inspector-addr=localhost:0`). RSS alone
 * cannot say whether the worker leaks: it also holds workerd's native memory.
 *
 * The inspector's port is found from /proc: the runtime's listening TCP sockets, each asked
 * for `/json/list` until one lists our worker (`core:user:<name>`).
 */

interface Socket {
  on(event: 'open', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer) => void): void;
  on(event: 'error', cb: (error: Error) => void): void;
  send(data: string): void;
  close(): void;
}
// ws is wrangler's and miniflare's own dependency; Node 20 has no WebSocket global.
const WebSocketCtor = createRequire(import.meta.url)('ws') as new (url: string) => Socket;

function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[1] local address (hex ip:port), cols[3] state (0A = LISTEN), cols[9] inode
      if (cols[3] === '0A' && cols[9] && inodes.has(cols[9])) {
        ports.push(Number.parseInt(cols[1]?.split(':')[1] ?? '0', 16));
      }
    }
  }
  return ports;
}

export async function findInspector(pid: number, worker: string): Promise<string | null> {
  for (const port of listeningPorts(pid)) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/json/list`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (!res.ok) continue;
      const list = (await res.json()) as { id?: string; webSocketDebuggerUrl?: string }[];
      const hit = Array.isArray(list) ? list.find((t) => t.id === `core:user:${worker}`) : null;
      if (hit?.webSocketDebuggerUrl) return hit.webSocketDebuggerUrl;
    } catch {
      // not the inspector
    }
  }
  return null;
}

export class HeapProbe {
  private next = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      if (msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg.result);
        this.pending.delete(msg.id);
      }
    });
  }

  static connect(url: string): Promise<HeapProbe> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocketCtor(url);
      socket.on('open', () => resolve(new HeapProbe(socket)));
      socket.on('error', reject);
    });
  }

  private send(method: string): Promise<unknown> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 10_000);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.socket.send(JSON.stringify({ id, method, params: {} }));
    });
  }

  /** Bytes of the isolate's heap in use right after a full GC. */
  async usedAfterGc(): Promise<number> {
    await this.send('HeapProfiler.collectGarbage');
    const usage = (await this.send('Runtime.getHeapUsage')) as { usedSize: number };
    return usage.usedSize;
  }

  close(): void {
    this.socket.close();
  }
}
