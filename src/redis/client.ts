import { Redis } from '@upstash/redis/cloudflare';

export interface RedisClientOptions {
  url: string;
  token: string;
  timeoutMs: number;
}

/**
 * The Upstash REST client as this worker uses it:
 * - each fetch is aborted after `timeoutMs` (withDeadline bounds the whole call too);
 * - one retry, quickly, for a dropped connection: the client's default of 5 retries with
 *   exponential backoff would hold a reader for seconds before failing open;
 * - no auto-pipelining, so a request's commands are sent from that request's own context
 *   and never batched with another request's (workerd forbids sharing I/O across requests);
 * - no read-your-writes token: decisions are independent, and the token would be shared
 *   mutable state across requests in one isolate;
 * - no automatic JSON deserialisation: the meter returns plain strings and numbers.
 */
export function createRedisClient(opts: RedisClientOptions): Redis {
  return new Redis({
    url: opts.url,
    token: opts.token,
    retry: { retries: 1, backoff: () => 20 },
    signal: () => AbortSignal.timeout(opts.timeoutMs),
    enableAutoPipelining: false,
    readYourWrites: false,
    automaticDeserialization: false,
    enableTelemetry: false,
  });
}

/** The narrowest surface the meter needs (docs/architecture.md convention 7). */
export type ScriptRunner = Pick<Redis, 'evalsha' | 'eval'>;
