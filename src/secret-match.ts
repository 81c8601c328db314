/**
 * Whether a presented secret is one of the configured ones, in constant time: the site API
 * keys (src/http/api-key.ts) and the dashboard's admin key (src/admin/auth.ts) are checked
 * with it. Plumbing, so every layer that holds a key may use the one comparison.
 */

/**
 * Bytes compared per key: more than a Bearer value may hold (512), so neither the loop nor
 * encoding the presented value into it (which stops when it is full) ever runs for a number
 * of bytes set by a key's length.
 */
const MIN_WIDTH = 1024;

/**
 * The configured keys, UTF-8 encoded once per isolate (per key list), each zero-padded to
 * `width`: at least MIN_WIDTH and longer than the longest key, so a presented value that
 * fills the whole width is longer than every key and matches none.
 */
interface KeyRing {
  width: number;
  keys: { bytes: Uint8Array; length: number }[];
  /** Reused for each presented value (a worker runs one request's code at a time). */
  scratch: Uint8Array;
}
const rings = new WeakMap<readonly string[], KeyRing>();
const encoder = new TextEncoder();

function ringFor(configuredKeys: readonly string[]): KeyRing {
  let ring = rings.get(configuredKeys);
  if (!ring) {
    const encoded = configuredKeys.map((key) => encoder.encode(key));
    const width = Math.max(MIN_WIDTH, ...encoded.map((bytes) => bytes.length + 1));
    const keys = encoded.map((key) => {
      const bytes = new Uint8Array(width);
      bytes.set(key);
      return { bytes, length: key.length };
    });
    ring = { width, keys, scratch: new Uint8Array(width) };
    rings.set(configuredKeys, ring);
  }
  return ring;
}

/** Whether `presented` is one of the site API keys, compared in constant time (see above). */
export function isSiteApiKey(presented: string, configuredKeys: readonly string[]): boolean {
  const { width, keys, scratch } = ringFor(configuredKeys);
  scratch.fill(0);
  // At most `width` bytes are written; a longer value (or one cut short) can match no key.
  const { read, written } = encoder.encodeInto(presented, scratch);
  const cutShort = read === presented.length ? 0 : 1;
  let matched = 0;
  for (const key of keys) {
    let diff = cutShort | (written ^ key.length);
    for (let i = 0; i < width; i++) diff |= (scratch[i] as number) ^ (key.bytes[i] as number);
    matched |= diff === 0 ? 1 : 0;
  }
  return matched === 1;
}
