import { resolve } from 'node:path';
import type { Cleanup } from './cleanup';
import { startIpcChild } from './ipc-child';

const CHILD_ENTRY = resolve(import.meta.dirname, 'origin-child.ts');

type Reply =
  | { type: 'ready'; url: string; port: number }
  | { type: 'error'; message: string }
  | { type: 'count'; requests: number };

export interface OriginChild {
  url: string;
  pid: number;
  /** Requests the origin has received so far (all paths). */
  requests(): Promise<number>;
}

/**
 * Starts the demo origin on an ephemeral port in a child process (see origin-child.ts) and
 * registers its shutdown with `cleanup`.
 */
export async function startOriginChild(cleanup: Cleanup): Promise<OriginChild> {
  const { child, reply } = await startIpcChild<Reply>(cleanup, 'demo-origin', CHILD_ENTRY);
  if (reply.type !== 'ready') {
    throw new Error(`demo-origin failed to start: ${'message' in reply ? reply.message : ''}`);
  }
  const requests = () =>
    new Promise<number>((resolveCount, reject) => {
      const timer = setTimeout(() => reject(new Error('demo-origin did not answer count')), 5_000);
      const onMessage = (msg: Reply) => {
        if (msg.type !== 'count') return;
        clearTimeout(timer);
        child.proc.off('message', onMessage);
        resolveCount(msg.requests);
      };
      child.proc.on('message', onMessage);
      child.proc.send('count');
    });
  return { url: reply.url, pid: child.proc.pid ?? 0, requests };
}
