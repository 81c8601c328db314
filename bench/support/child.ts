import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * A child process for a bench, started in its own process group. `wrangler dev` starts
 * workerd (and more) below itself; signalling the group stops the whole tree, so nothing
 * keeps a port or a CPU busy after the bench. Output is kept in a small ring buffer and
 * shown only when something fails, to keep the bench's own output readable.
 */
export interface Child {
  readonly proc: ChildProcess;
  /** Recent output lines, for error messages. */
  recentOutput(): string;
  /** Null while running; otherwise how it ended. */
  exited(): string | null;
  /** SIGTERM to the group, then SIGKILL after `graceMs`. Resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const KEEP_LINES = 60;

/**
 * Last line of defence: children run in their own process groups, so a terminal's Ctrl-C
 * does not reach them, and if this process ends without running its cleanup (a second
 * Ctrl-C, process.exit in a crash) they would live on. On exit, kill what is still running.
 */
const running = new Set<number>();
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function startChild(
  label: string,
  command: string,
  args: string[],
  opts: SpawnOptions = {},
): Child {
  const proc = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
    detached: true,
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > KEEP_LINES) lines.shift();
    }
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let ended: string | null = null;
  if (proc.pid !== undefined) running.add(proc.pid);
  const exit = once(proc, 'exit').then(([code, signal]) => {
    ended = `${label} exited (code ${code}, signal ${signal})`;
  });
  proc.on('error', (error) => {
    ended = `${label} failed to start: ${error.message}`;
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (proc.pid === undefined) return;
    try {
      process.kill(-proc.pid, signal); // negative pid: the child's own process group
    } catch {
      // already gone
    }
  };

  return {
    proc,
    recentOutput: () => `--- last output of ${label} ---\n${lines.join('\n')}`,
    exited: () => ended,
    async stop(graceMs = 5_000) {
      if (proc.pid === undefined) return; // never started
      if (!ended) {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      // The leader is gone; anything it left behind in its group goes too.
      signalGroup('SIGKILL');
      running.delete(proc.pid);
    },
  };
}
