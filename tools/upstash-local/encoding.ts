import type { Reply } from './backend';

// Request bodies in, JSON replies out, in the shapes the Upstash REST API uses.

/** A request the server rejects as a whole with 400 and this Redis-style message. */
export class BadRequest extends Error {
  override name = 'BadRequest';
}

/**
 * One command: a non-empty JSON array of strings, numbers or booleans. Upstash turns
 * numbers and booleans into their text, as `redis-cli` would (42 → "42", true → "true"), and
 * the client relies on that: `redis.set("k", 42)` sends a JSON number.
 * null, objects and nested arrays have no Redis text, so they are refused.
 */
export function toCommand(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequest('ERR command must be a non-empty JSON array, e.g. ["SET","k","v"]');
  }
  return value.map((arg: unknown) => {
    switch (typeof arg) {
      case 'string':
        return arg;
      case 'number':
        if (!Number.isFinite(arg)) throw new BadRequest('ERR command arguments must be finite');
        return String(arg);
      case 'boolean':
        return String(arg);
      default:
        throw new BadRequest(
          'ERR command arguments must be JSON strings, numbers or booleans, got ' +
            (arg === null ? 'null' : typeof arg),
        );
    }
  });
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new BadRequest('ERR request body is not valid JSON');
  }
}

/**
 * With `Upstash-Encoding: base64` every string in a result is sent as the base64 of its
 * UTF-8 bytes, at any depth, so that binary and odd text survives JSON. A top-level "OK"
 * stays readable: the client's decode() special-cases exactly that value. (For a top-level
 * string the two spellings decode to the same text anyway; inside arrays the client only
 * base64-decodes, so there "OK" must be encoded.) Numbers and null are left as they are.
 */
export function encodeBase64(reply: Reply, topLevel = true): Reply {
  if (typeof reply === 'string') {
    if (topLevel && reply === 'OK') return reply;
    return Buffer.from(reply, 'utf8').toString('base64');
  }
  if (Array.isArray(reply)) return reply.map((item) => encodeBase64(item, false));
  return reply;
}
