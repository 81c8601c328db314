import type { Redis } from '@upstash/redis/cloudflare';
import type { ScriptRunner } from '../redis/client';
import { withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';

/**
 * Accounts: one small record per address key, written when a reader first proves an address
 * with a code. It holds no address and no name, only when it was made; its existence is what
 * "registered" means, and its creation is the one moment a browser's meter is carried into the
 * account's (src/meter/meter.ts `adopt`).
 */
export interface Accounts {
  /**
   * Signs one device in: creates the account if it is new (then `created`), else keeps it
   * alive another 400 days, and starts the session `sessionId` for `sessionTtlMs`.
   */
  open(
    accountKey: string,
    session: { sessionId: string; ttlMs: number },
    now: Date,
  ): Promise<{ created: boolean }>;
  /** Sign-out: the session ends; the account, its meter and its support stay. */
  endSession(sessionId: string): Promise<void>;
  /** Whether the sign-in `sessionId` still lives and belongs to `accountKey`. */
  sessionAlive(sessionId: string, accountKey: string): Promise<boolean>;
}

/** Like subscriber records: an account nobody signs in to for 400 days expires. */
export const ACCOUNT_TTL_MS = 400 * 86_400_000;

/**
 * KEYS[1] = account, KEYS[2] = session; ARGV = json, ttl ms, account key, session ttl ms.
 * Returns 1 when the account was created, 0 when it existed.
 */
export const OPEN_ACCOUNT_SCRIPT = `
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
`;
const openScript = defineScript(OPEN_ACCOUNT_SCRIPT);

export function createAccounts(deps: {
  redis: ScriptRunner & Pick<Redis, 'del' | 'get'>;
  keys: RedisKeys;
  timeoutMs: number;
}): Accounts {
  return {
    async open(accountKey, session, now) {
      const json = JSON.stringify({ v: 1, createdAt: now.getTime() });
      const result = await withDeadline(
        openScript.run(
          deps.redis,
          [deps.keys.account(accountKey), deps.keys.accountSession(session.sessionId)],
          [json, ACCOUNT_TTL_MS, accountKey, session.ttlMs],
        ),
        deps.timeoutMs,
      );
      return { created: Number(result) === 1 };
    },
    async endSession(sessionId) {
      await withDeadline(deps.redis.del(deps.keys.accountSession(sessionId)), deps.timeoutMs);
    },
    async sessionAlive(sessionId, accountKey) {
      const held = await withDeadline(
        deps.redis.get<string>(deps.keys.accountSession(sessionId)),
        deps.timeoutMs,
      );
      return held === accountKey;
    },
  };
}
