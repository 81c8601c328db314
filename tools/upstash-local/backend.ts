import { connect } from 'node:net';

// What the HTTP layer needs from a Redis: run one command and get back a plain JSON-able
// reply. Two implementations sit behind it: a real
// redis-server through ioredis, and an embedded ioredis-mock for machines without one.

/** A Redis reply as Upstash puts it in JSON: bulk/status → string, integer → number, nil → null. */
export type Reply = string | number | null | Reply[];

/**
 * A Redis error reply (`-ERR ...`, `-NOSCRIPT ...`). The message is exactly the text Redis
 * sends, because clients match on it (the Upstash script helpers look for "NOSCRIPT").
 */
export class CommandError extends Error {
  override name = 'CommandError';
}

/**
 * The backend itself failed (connection lost, command timed out). Not a Redis reply, so the
 * server answers 503 for the whole request instead of inventing a per-command error.
 */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

export interface Backend {
  readonly kind: 'redis' | 'memory';
  /** For the CLI banner, e.g. "redis at redis://127.0.0.1:6379". */
  readonly description: string;
  /** Rejects with CommandError for a Redis error reply. */
  exec(command: string[]): Promise<Reply>;
  close(): Promise<void>;
}

/**
 * Commands that would change the state of a connection every request shares (MULTI, SELECT,
 * SUBSCRIBE...), block it (BLPOP), or reconfigure or stop the server (CONFIG, SHUTDOWN).
 * Upstash's REST API has no per-client connection either, so these mean nothing over HTTP.
 * FLUSHALL/FLUSHDB are refused on a real redis-server only: db 0 there is shared with other
 * tools, the embedded store is not.
 */
export const REFUSED_COMMANDS = (
  'multi exec discard watch unwatch select swapdb auth hello reset client quit monitor sync ' +
  'psync replconf subscribe psubscribe ssubscribe unsubscribe punsubscribe sunsubscribe ' +
  'shutdown debug blpop brpop brpoplpush blmove blmpop bzpopmin bzpopmax bzmpop wait waitaof ' +
  'config acl module cluster replicaof slaveof failover save bgsave bgrewriteaof migrate'
).split(' ');
const REFUSED = new Set(REFUSED_COMMANDS);
const REFUSED_ON_SHARED_REDIS = new Set(['flushall', 'flushdb']);

/** The error text for a command this server will not run, or undefined when it may. */
export function refusal(name: string, kind: Backend['kind']): string | undefined {
  const lower = name.toLowerCase();
  if (REFUSED.has(lower) || (kind === 'redis' && REFUSED_ON_SHARED_REDIS.has(lower))) {
    return `ERR Command is not available over the REST API: '${lower}'`;
  }
  return undefined;
}

/**
 * Does a Redis answer PING at host:port within the time limit? Spoken as raw RESP over a
 * socket, so a missing server costs one refused connection rather than ioredis reconnect logs.
 */
export function redisAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let buffered = '';
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // "+PONG" only: "-NOAUTH" means a server we cannot use without credentials.
      if (buffered.includes('\r\n')) finish(buffered.startsWith('+PONG'));
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}
