import { createHash } from 'node:crypto';

// Script text helpers shared by both backends.

/** The SHA-1 Redis (and the Upstash client, via SubtleCrypto) uses to name a script. */
export function sha1(script: string): string {
  return createHash('sha1').update(script, 'utf8').digest('hex');
}

/** The shebang flags redis-server 7.0 knows. Anything else makes it refuse the script. */
const REDIS_7_FLAGS = new Set([
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
]);

/**
 * Upstash accepts script flags that open-source Redis does not: @upstash/ratelimit starts every
 * script with `#!lua flags=allow-key-locking`, which redis-server 7.0 rejects with
 * "Unexpected flag in script shebang". Drop the flags the server does not know, and drop the
 * whole shebang for servers older than 7 (they cannot parse it at all). The line stays, empty
 * if need be, so line numbers in error messages still match the caller's script.
 * Returns the script unchanged when nothing needs to go.
 */
export function adaptShebang(script: string, serverMajor: number): string {
  if (!script.startsWith('#!')) return script;
  const end = script.indexOf('\n');
  const line = end === -1 ? script : script.slice(0, end);
  const rest = end === -1 ? '' : script.slice(end);
  if (serverMajor < 7) return rest;
  const match = /^#!lua(?:\s+flags=(\S*))?\s*$/.exec(line);
  // Not a shebang we understand: leave it for the server to judge.
  if (!match) return script;
  const flags = (match[1] ?? '').split(',').filter((f) => f !== '');
  const known = flags.filter((f) => REDIS_7_FLAGS.has(f));
  if (known.length === flags.length) return script;
  return `${known.length ? `#!lua flags=${known.join(',')}` : '#!lua'}${rest}`;
}

/** Lua cannot parse a shebang line at all (only redis-server strips it); blank it out. */
export function stripShebang(script: string): string {
  if (!script.startsWith('#!')) return script;
  const end = script.indexOf('\n');
  return end === -1 ? '' : script.slice(end);
}

/**
 * Parse the numkeys argument of EVAL/EVALSHA the way Redis does, returning an error text
 * when it is invalid.
 */
export function checkNumKeys(numKeys: string | undefined, argCount: number): string | undefined {
  if (numKeys === undefined || !/^-?\d+$/.test(numKeys)) {
    return 'ERR value is not an integer or out of range';
  }
  const n = Number(numKeys);
  if (n < 0) return "ERR Number of keys can't be negative";
  if (n > argCount) return "ERR Number of keys can't be greater than number of args";
  return undefined;
}
