import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { MonitorLine } from '../access/monitor';
import type { Cleanup } from '../support/cleanup';

/**
 * The publisher's counters at redis-server: every command naming a `stats:` key under the
 * run's prefix (the flushes, and the bench's own reads of the counters), those a Lua script
 * runs included. RedisMonitor leaves these lines out on purpose, a flush not being a
 * decision's commands (bench/access/monitor.ts); the traffic bench prices them, so it watches
 * them on a MONITOR connection of its own. Every command of the flush and read scripts names
 * a `stats:` key, so a script's commands still follow its EVALSHA here. A window ends, as
 * RedisMonitor's does, with a barrier: an ECHO of a random token on this connection.
 */
export class CounterMonitor {
  private window: MonitorLine[] | null = null;
  private readonly barriers = new Map<string, () => void>();

  private constructor(
    private readonly client: Redis,
    private readonly monitor: Redis,
    private readonly counters: string,
    private readonly ownSource: string,
  ) {
    monitor.on('monitor', (_time: string, args: string[], source: string) =>
      this.onLine(args, source),
    );
  }

  static async start(cleanup: Cleanup, redisUrl: string, prefix: string): Promise<CounterMonitor> {
    // No reconnects: a bench that lost its MONITOR connection would undercount silently.
    const client = new Redis(redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    client.on('error', () => {}); // reported by the command that fails
    await client.connect();
    cleanup.add('redis client (counters)', async () => {
      await client.quit().catch(() => client.disconnect());
    });
    const monitor = await client.monitor();
    monitor.on('error', () => {});
    const source = `${client.stream.localAddress}:${client.stream.localPort}`;
    const self = new CounterMonitor(client, monitor, `${prefix}stats:`, source);
    cleanup.add('MONITOR connection (counters)', () => self.stop());
    return self;
  }

  stop(): void {
    if (this.monitor.status !== 'end') this.monitor.disconnect();
  }

  private onLine(args: string[], source: string): void {
    if (source === this.ownSource) {
      const [name = '', token = ''] = args;
      if (name.toUpperCase() === 'ECHO') this.barriers.get(token)?.();
      return;
    }
    if (args.some((a) => a.startsWith(this.counters))) this.window?.push({ source, args });
  }

  /** Runs `work` and returns the counters' lines it caused. */
  async measure(work: () => Promise<void>): Promise<MonitorLine[]> {
    const lines: MonitorLine[] = [];
    this.window = lines;
    try {
      await work();
      await this.barrier();
    } finally {
      this.window = null;
    }
    return lines;
  }

  private async barrier(): Promise<void> {
    const token = `barrier:${randomBytes(8).toString('hex')}`;
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('MONITOR barrier not seen in 5 s')), 5_000);
      this.barriers.set(token, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.client.echo(token);
    await seen.finally(() => this.barriers.delete(token));
  }
}
