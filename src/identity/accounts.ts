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
  /** Creates the account if it is new (then `created`), else keeps it alive another 400 days. */
  open(accountKey: string, now: Date): Promise<{ created: boolean }>;
}

/** Like subscriber records: an account nobody signs in to for 400 days expires. */
export const ACCOUNT_TTL_MS = 400 * 86_400_000;

/** KEYS[1] = account; ARGV = json, ttl ms. Returns 1 when created, 0 when it existed. */
export const OPEN_ACCOUNT_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
`;
const openScript = defineScript(OPEN_ACCOUNT_SCRIPT);

export function createAccounts(deps: {
  redis: ScriptRunner;
  keys: RedisKeys;
  timeoutMs: number;
}): Accounts {
  return {
    async open(accountKey, now) {
      const json = JSON.stringify({ v: 1, createdAt: now.getTime() });
      const result = await withDeadline(
        openScript.run(deps.redis, [deps.keys.account(accountKey)], [json, ACCOUNT_TTL_MS]),
        deps.timeoutMs,
      );
      return { created: Number(result) === 1 };
    },
  };
}
