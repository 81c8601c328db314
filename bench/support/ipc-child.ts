import { type Child, startChild } from './child';
import type { Cleanup } from './cleanup';

/**
 * A local server run in a child process (`node --import tsx <entry>`) that speaks over IPC:
 * we send `{ type: 'start', ...start }`, it answers with its first message (ready or error).
 * Its shutdown is registered with `cleanup`: asked to `close` itself (its servers and
 * connections), then the process group is signalled.
 */
export async function startIpcChild<Reply>(
  cleanup: Cleanup,
  label: string,
  entry: string,
  start: Record<string, unknown> = {},
): Promise<{ child: Child; reply: Reply }> {
  const child = startChild(label, process.execPath, ['--import', 'tsx', entry], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: process.env,
  });
  cleanup.add(label, async () => {
    if (child.proc.connected) child.proc.send('close');
    await child.stop(5_000);
  });
  const reply = await new Promise<Reply>((resolveReply, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${label} did not start in 30 s\n${child.recentOutput()}`)),
      30_000,
    );
    child.proc.once('message', (msg: Reply) => {
      clearTimeout(timer);
      resolveReply(msg);
    });
    child.proc.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${label} exited during start-up\n${child.recentOutput()}`));
    });
    child.proc.send({ type: 'start', ...start });
  });
  return { child, reply };
}
