import { toBase64Url } from '../encoding';
import type { ScriptRunner } from '../redis/client';
import { withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';
import { normalizeCode } from './code-format';

export { CODE_PATTERN, normalizeCode } from './code-format';

/**
 * Sign-in codes: six digits mailed to an address, valid once, for 10 minutes, from the
 * browser that asked for them, with 5 attempts.
 *
 * One Redis hash per address key (`keys.signInCode(addressKey)`) holds the one live code:
 * - `h`: HMAC-SHA256 (under `secret`) of the code, bound to the address key and the browser
 *   nonce. The code itself is never stored, so a copy of the database cannot sign anyone in.
 * - `t`: an HMAC tag of the browser nonce the code was issued to. A check from any other
 *   browser answers `replaced` without spending an attempt: a newer code was asked for, here
 *   or elsewhere, and the reader should use the latest e-mail.
 * - `a`: wrong attempts so far.
 * Asking for a new code replaces the hash whole (fresh attempts, fresh 10 minutes).
 *
 * A check is one atomic script, so concurrent guesses cannot share an attempt, and a right
 * code is deleted by the same call that accepts it. Redis failures and timeouts throw: the
 * caller refuses to sign anyone in (503) rather than guess. Nothing here logs.
 */
export type CodeCheck =
  | { ok: true }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  | { ok: false; reason: 'locked' }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'replaced' };

export interface SignInCodes {
  /** A fresh 6-digit code for `addressKey`, bound to `browserNonce`; replaces any earlier one. */
  issue(addressKey: string, browserNonce: string): Promise<string>;
  /**
   * Checks what the reader typed (normalised with `normalizeCode`). Input that is not a code
   * after normalisation still spends an attempt: a refusal that cost nothing would let anyone
   * probe the endpoint for free.
   */
  verify(addressKey: string, browserNonce: string, code: string): Promise<CodeCheck>;
}

export const DEFAULT_CODE_TTL_MS = 600_000;
export const DEFAULT_MAX_ATTEMPTS = 5;

/** KEYS[1] = the code's hash; ARGV = code hash, nonce tag, ttl ms. Replaces any earlier code. */
export const ISSUE_CODE_SCRIPT = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[1], 't', ARGV[2], 'a', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 'issued'
`;

/**
 * KEYS[1] = the code's hash; ARGV = candidate hash, nonce tag, max attempts.
 * Replies {outcome, attempts left}. Never touches the TTL: wrong guesses do not extend a code.
 */
export const VERIFY_CODE_SCRIPT = `
local stored = redis.call('HMGET', KEYS[1], 'h', 't', 'a')
if not stored[1] then return {'expired', 0} end
if stored[2] ~= ARGV[2] then return {'replaced', 0} end
local max = tonumber(ARGV[3])
local used = tonumber(stored[3])
if used == nil or used >= max then return {'locked', 0} end
if stored[1] == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {'ok', 0}
end
used = redis.call('HINCRBY', KEYS[1], 'a', 1)
if used >= max then return {'locked', 0} end
return {'wrong', max - used}
`;

const issueScript = defineScript(ISSUE_CODE_SCRIPT);
const verifyScript = defineScript(VERIFY_CODE_SCRIPT);

/**
 * Sent instead of a hash when the input is not a code: no stored hash (base64url) can equal
 * it, so the script counts a wrong attempt. The junk itself never leaves the worker.
 */
const NEVER_MATCHES = '!';

export function createSignInCodes(deps: {
  redis: ScriptRunner;
  keys: RedisKeys;
  secret: string;
  timeoutMs: number;
  ttlMs?: number;
  maxAttempts?: number;
}): SignInCodes {
  const { redis, keys, timeoutMs } = deps;
  const ttlMs = deps.ttlMs ?? DEFAULT_CODE_TTL_MS;
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new RangeError('ttlMs: a positive integer');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError('maxAttempts: a positive integer');
  }
  if (deps.secret.length === 0) throw new RangeError('secret: empty');
  const mac = hmac(deps.secret);

  const codeHash = (addressKey: string, nonce: string, code: string) =>
    mac(`code1|${field(addressKey)}|${field(nonce)}|${code}`);
  const nonceTag = (addressKey: string, nonce: string) =>
    mac(`nonce1|${field(addressKey)}|${field(nonce)}`);

  return {
    async issue(addressKey, browserNonce) {
      required(addressKey, browserNonce);
      const code = randomCode();
      const [hash, tag] = await Promise.all([
        codeHash(addressKey, browserNonce, code),
        nonceTag(addressKey, browserNonce),
      ]);
      const reply = await withDeadline(
        issueScript.run(redis, [keys.signInCode(addressKey)], [hash, tag, ttlMs]),
        timeoutMs,
      );
      if (reply !== 'issued') throw new Error('unexpected reply to a code issue');
      return code;
    },

    async verify(addressKey, browserNonce, input) {
      required(addressKey, browserNonce);
      const code = normalizeCode(input);
      const [candidate, tag] = await Promise.all([
        code === null ? NEVER_MATCHES : codeHash(addressKey, browserNonce, code),
        nonceTag(addressKey, browserNonce),
      ]);
      const reply = await withDeadline(
        verifyScript.run(redis, [keys.signInCode(addressKey)], [candidate, tag, maxAttempts]),
        timeoutMs,
      );
      return parseCheck(reply, maxAttempts);
    },
  };
}

/**
 * Six uniformly random digits, leading zeros kept. 32-bit draws at or above the largest
 * multiple of 10^6 are thrown away (rejection sampling), so `% 10^6` favours no code.
 */
export function randomCode(): string {
  const limit = Math.floor(2 ** 32 / 1_000_000) * 1_000_000;
  const draw = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(draw);
    const value = draw[0] as number;
    if (value < limit) return String(value % 1_000_000).padStart(6, '0');
  }
}

/** The script's reply crosses a network boundary: check its shape rather than trust it. */
function parseCheck(raw: unknown, maxAttempts: number): CodeCheck {
  if (Array.isArray(raw) && raw.length === 2) {
    const [outcome, left] = raw as unknown[];
    const attemptsLeft = Number(left);
    switch (outcome) {
      case 'ok':
        return { ok: true };
      case 'expired':
      case 'replaced':
      case 'locked':
        return { ok: false, reason: outcome };
      case 'wrong':
        if (Number.isInteger(attemptsLeft) && attemptsLeft >= 1 && attemptsLeft < maxAttempts) {
          return { ok: false, reason: 'wrong', attemptsLeft };
        }
    }
  }
  // A reply we do not understand: fail closed, as for an outage.
  throw new Error('unexpected reply to a code check');
}

/** Length-prefixed, so no choice of address key and nonce can spell another pair. */
function field(value: string): string {
  return `${value.length}:${value}`;
}

function required(addressKey: string, browserNonce: string): void {
  if (addressKey.length === 0 || browserNonce.length === 0) {
    throw new TypeError('an address key and a browser nonce are required');
  }
}

function hmac(secret: string): (message: string) => Promise<string> {
  const encoder = new TextEncoder();
  // Imported on first use: the factory may run where no crypto work is allowed yet.
  let key: Promise<CryptoKey> | undefined;
  return async (message) => {
    key ??= crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const sig = await crypto.subtle.sign('HMAC', await key, encoder.encode(message));
    return toBase64Url(new Uint8Array(sig));
  };
}
