import { resolve } from 'node:path';
import { startChild } from './child';
import type { Cleanup } from './cleanup';

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
  const child = startChild('upstash-local', process.execPath, ['--import', 'tsx', CHILD_ENTRY], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: process.env,
  });
  cleanup.add('upstash-local', async () => {
    // Ask it to close its server and Redis connections itself; the group signal follows.
    if (child.proc.connected) child.proc.send('close');
    await child.stop(5_000);
  });

  const reply = await new Promise<Reply>((resolveReply, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`upstash-local did not start in 30 s\n${child.recentOutput()}`)),
      30_000,
    );
    child.proc.once('message', (msg: Reply) => {
      clearTimeout(timer);
      resolveReply(msg);
    });
    child.proc.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`upstash-local exited during start-up\n${child.recentOutput()}`));
    });
    child.proc.send({ type: 'start', ...opts });
  });
  if (reply.type === 'error') throw new Error(`upstash-local failed to start: ${reply.message}`);
  if (reply.backend !== 'redis') {
    throw new Error(`upstash-local chose backend "${reply.backend}"; MONITOR needs "redis"`);
  }
  return { url: reply.url, backend: reply.backend, pid: child.proc.pid ?? 0 };
}
