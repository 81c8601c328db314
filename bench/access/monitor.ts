import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { CALENDAR_METER_SCRIPT } from '../../src/meter/scripts';
import type { Cleanup } from '../support/cleanup';
import { deleteKeys } from '../support/redis-keys';

/**
 * Counts Redis work at Redis itself with MONITOR, which echoes every command the server
 * runs, including those a Lua script runs (their source is `lua` instead of a client
 * address). So, per measured window:
 *   round trips = lines from clients (one EVALSHA is one round trip);
 *   commands    = every line, Lua-internal included (what Upstash bills).
 * The redis-server is shared with other engineers' tests, so only these lines count:
 *   - lines naming this run's key prefix (our meter keys, the EVALSHA that carries them);
 *   - lines from the connections upstash-local used for those, because our upstash-local
 *     serves only this bench, so anything else it sends (a MULTI, a SCRIPT EXISTS) is part
 *     of our decision's cost even though it names no key.
 * A window ends with a barrier: our own ECHO of a random token. Redis runs commands one at
 * a time and MONITOR reports them in order, so once the token shows up, every command the
 * measured request caused has been reported.
 */
export interface MonitorLine {
  source: string;
  args: string[];
}

export const METER_SCRIPT_SHA = createHash('sha1').update(CALENDAR_METER_SCRIPT).digest('hex');

/** What a watch collects: a decision's commands, or only the publisher's counters'. */
export type MonitorWatch = 'decisions' | 'counters';

export class RedisMonitor {
  private window: MonitorLine[] | null = null;
  private readonly upstashSources = new Set<string>();
  private readonly barriers = new Map<string, () => void>();
  /** EVALs of the meter script seen so far: each means an EVALSHA missed (NOSCRIPT). */
  evalFallbacks = 0;

  private constructor(
    private readonly client: Redis,
    private readonly monitor: Redis,
    private readonly prefix: string,
    private readonly ownSource: string,
    private readonly watch: MonitorWatch,
  ) {
    monitor.on('monitor', (_time: string, args: string[], source: string) =>
      this.onLine(args, source),
    );
  }

  static async start(
    cleanup: Cleanup,
    redisUrl: string,
    prefix: string,
    watch: MonitorWatch = 'decisions',
  ): Promise<RedisMonitor> {
    // No reconnects: a bench that lost its MONITOR connection would undercount silently.
    const client = new Redis(redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    client.on('error', () => {}); // reported by the command that fails
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot reach redis-server at ${redisUrl}: ${reason}`);
    }
    cleanup.add('redis client', async () => {
      await client.quit().catch(() => client.disconnect());
    });
    const monitor = await client.monitor();
    monitor.on('error', () => {});
    const source = `${client.stream.localAddress}:${client.stream.localPort}`;
    const self = new RedisMonitor(client, monitor, prefix, source, watch);
    cleanup.add(`MONITOR connection (${watch})`, () => self.stop());
    return self;
  }

  /**
   * Ends MONITOR. Call it before any load test: MONITOR makes Redis format every command
   * for us, which would slow the server and our process down during the load phase.
   */
  stop(): void {
    if (this.monitor.status !== 'end') this.monitor.disconnect();
  }

  /** Our own connection, for set-up (SCRIPT LOAD, the floor's key); never counted. */
  get redis(): Redis {
    return this.client;
  }

  private onLine(args: string[], source: string): void {
    const [name = '', first = ''] = args;
    if (source === this.ownSource) {
      if (name.toUpperCase() === 'ECHO') this.barriers.get(first)?.();
      return;
    }
    // The publisher's counters (`stats:` keys) leave in batches after responses, off the
    // decision's path: a `decisions` watch leaves them out, a `counters` watch keeps only them
    // (every command of the flush and read scripts names a `stats:` key, so a script's
    // commands still follow its EVALSHA there).
    const counter = args.some((a) => a.startsWith(`${this.prefix}stats:`));
    if (this.watch === 'counters') {
      if (counter) this.window?.push({ source, args });
      return;
    }
    if (counter) return;
    const ours = args.some((a) => a.includes(this.prefix));
    if (ours && source !== 'lua') this.upstashSources.add(source);
    if (!ours && !this.upstashSources.has(source)) return; // someone else's traffic
    // MONITOR prints the script escaped, so match the command, not the text: the worker's
    // only script is the meter, and an EVAL from a client naming our key is its fallback.
    if (ours && source !== 'lua' && /^EVAL(_RO)?$/i.test(name)) this.evalFallbacks++;
    this.window?.push({ source, args });
  }

  /** Runs `work` and returns the Redis lines it caused (see the class comment). */
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

  /** Deletes this run's keys (never FLUSHALL on a shared server). */
  deleteOwnKeys(): Promise<number> {
    return deleteKeys(this.client, this.prefix);
  }
}
