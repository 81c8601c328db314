import * as ioredis from 'ioredis';
import {
  type Backend,
  BackendUnavailableError,
  CommandError,
  type Reply,
  refusal,
} from './backend';
import { unknownCommandError } from './command-table';
import { adaptShebang, sha1 } from './scripts';

// The real thing: commands go to a redis-server through one ioredis connection, as they
// are, so replies and error texts are Redis's own. Two adjustments only:
// - commands that would change the shared connection's state are refused (see refusal());
// - script shebang flags redis-server does not know are dropped (see adaptShebang()), and
//   EVALSHA/SCRIPT translate between the caller's SHA (of the script it sent) and the SHA of
//   the text actually loaded, so EVALSHA after EVAL still hits the script cache.

// Under vitest's module runner (tests/global-setup.ts with the workers pool) the named
// exports of ioredis, getters on its CommonJS exports, come through as undefined; the
// default export is the same class. Take whichever is there.
type Redis = ioredis.Redis;
const RedisClient: typeof ioredis.Redis = ioredis.Redis ?? ioredis.default;

/** A command as sent, plus how to turn its reply back into what the caller expects. */
interface Prepared {
  command: string[];
  reply: (value: unknown) => Reply;
}

export class RedisBackend implements Backend {
  readonly kind = 'redis' as const;
  readonly description: string;
  /** Caller's SHA → SHA of the adapted text that was loaded; only for scripts that changed. */
  private readonly loadedAs = new Map<string, string>();

  private constructor(
    private readonly redis: Redis,
    private readonly serverMajor: number,
    url: string,
  ) {
    this.description = `redis at ${redactPassword(url)}`;
  }

  /** Connects and asks the version; fails fast when the server is not there. */
  static async connect(url: string): Promise<RedisBackend> {
    const redis = new RedisClient(url, {
      // Batch commands issued in the same tick into one write: hundreds of concurrent HTTP
      // requests become a few socket writes instead of hundreds.
      enableAutoPipelining: true,
      // During an outage a command fails after one reconnect attempt instead of queueing
      // forever, so HTTP callers get a 503 quickly.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2_000,
      commandTimeout: 10_000,
      retryStrategy: (times) => Math.min(times * 100, 1_000),
      lazyConnect: true,
    });
    redis.on('error', () => {
      // Reported per command; without a listener ioredis would print every reconnect error.
    });
    try {
      await redis.connect();
      const info = String(await redis.call('INFO', 'server'));
      const version = /redis_version:(\d+)/.exec(info)?.[1] ?? '7';
      return new RedisBackend(redis, Number(version), url);
    } catch (error) {
      redis.disconnect();
      throw new Error(`upstash-local: cannot reach Redis at ${redactPassword(url)}: ${error}`);
    }
  }

  exec(command: string[]): Promise<Reply> {
    try {
      const { command: sent, reply } = this.prepare(command);
      const [name = '', ...args] = sent;
      return this.redis.call(wireName(name), ...args).then(reply, (error: unknown) => {
        throw this.asError(error);
      });
    } catch (error) {
      return Promise.reject(this.asError(error));
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Refusals, and the script SHA translation described at the top. */
  private prepare(command: string[]): Prepared {
    const name = (command[0] ?? '').toLowerCase();
    const refused = refusal(name, this.kind);
    if (refused) throw new CommandError(refused);
    // ioredis looks names up in plain objects: "__proto__" crashes its reply handling (an
    // uncaught TypeError that takes the process down). No Redis command has such a name.
    if (name in Object.prototype) throw new CommandError(unknownCommandError(command));
    const args = command.slice(1);
    switch (name) {
      case 'eval':
      case 'eval_ro':
        if (args[0] === undefined) break;
        return { command: [name, this.adapt(args[0]), ...args.slice(1)], reply: toReply };
      case 'evalsha':
      case 'evalsha_ro':
        if (args[0] === undefined) break;
        return { command: [name, this.loadedSha(args[0]), ...args.slice(1)], reply: toReply };
      case 'script': {
        const sub = (args[0] ?? '').toLowerCase();
        if (sub === 'load' && args.length === 2) {
          const original = args[1] as string;
          return { command: [name, 'load', this.adapt(original)], reply: () => sha1(original) };
        }
        if (sub === 'exists') {
          return {
            command: [name, 'exists', ...args.slice(1).map((s) => this.loadedSha(s))],
            reply: toReply,
          };
        }
        if (sub === 'flush') this.loadedAs.clear();
        break;
      }
    }
    return { command, reply: toReply };
  }

  private adapt(script: string): string {
    const adapted = adaptShebang(script, this.serverMajor);
    if (adapted !== script) this.loadedAs.set(sha1(script), sha1(adapted));
    return adapted;
  }

  private loadedSha(sha: string): string {
    return this.loadedAs.get(sha.toLowerCase()) ?? sha;
  }

  /** Redis error replies become CommandError, with loaded SHAs mapped back to the caller's. */
  private asError(error: unknown): Error {
    if (error instanceof CommandError || error instanceof BackendUnavailableError) return error;
    // By name, not instanceof, for the same module-runner reason as RedisClient above.
    if (error instanceof Error && error.name === 'ReplyError') {
      let message = error.message;
      for (const [original, loaded] of this.loadedAs)
        message = message.replaceAll(loaded, original);
      return new CommandError(message);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new BackendUnavailableError(`upstash-local: Redis unavailable: ${message}`);
  }
}

/**
 * ioredis rewrites the replies and arguments of a few commands, looked up by their exact
 * lower-case name (HGETALL's reply becomes an object). In upper case they skip that and the
 * reply is the raw one Upstash sends. Other names go as sent, so that error texts which
 * quote them ("unknown command 'foo'") read as redis-server wrote them.
 */
const TRANSFORMED_BY_IOREDIS = new Set(['hgetall', 'hset', 'hmset', 'mset', 'msetnx']);
function wireName(name: string): string {
  return TRANSFORMED_BY_IOREDIS.has(name) ? name.toUpperCase() : name;
}

/** ioredis's `call` already gives utf8 strings; EVAL can nest errors inside arrays. */
function toReply(value: unknown): Reply {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(toReply);
  if (value instanceof Error) return value.message;
  return String(value);
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
