import { resolve } from 'node:path';
import type { Cleanup } from './cleanup';
import { startIpcChild } from './ipc-child';

const CHILD_ENTRY = resolve(import.meta.dirname, 'upstash-child.ts');

type Reply =
  | { type: 'ready'; url: string; port: number; backend: string }
  | { type: 'error'; message: string };

/**
 * Starts upstash-local (tools/upstash-local) on an ephemeral port in a child process, in
 * front of the given redis-server, and registers its shutdown with `cleanup`.
 */
export async function startUpstashChild(
  cleanup: Cleanup,
  opts: { token: string; redisUrl: string },
): Promise<{ url: string; backend: string; pid: number }> {
  const { child, reply } = await startIpcChild<Reply>(cleanup, 'upstash-local', CHILD_ENTRY, opts);
  if (reply.type === 'error') throw new Error(`upstash-local failed to start: ${reply.message}`);
  if (reply.backend !== 'redis') {
    throw new Error(`upstash-local chose backend "${reply.backend}"; MONITOR needs "redis"`);
  }
  return { url: reply.url, backend: reply.backend, pid: child.proc.pid ?? 0 };
}
