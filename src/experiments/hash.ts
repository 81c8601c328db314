/**
 * cyrb53 (bryc, public domain): a 53-bit string hash, two 32-bit multiply-xor lanes folded
 * together by a final avalanche, so every input bit reaches every output bit. It is what
 * variant assignment draws its uniform number from (./assign.ts).
 *
 * Why not crypto: assignment runs on every prompt render, synchronously, and needs no
 * secret. The key it hashes is the reader's own id, random and issued by us inside a signed
 * value, so a reader cannot pick their variant except by throwing their id away, which any
 * scheme allows. What it needs is speed and a well-spread output, which this gives:
 * crypto.subtle is asynchronous and costs microseconds where this costs nanoseconds.
 *
 * The published reference values pin it (tests/unit/experiments/hash.test.ts): changing
 * this function reassigns every reader of every running experiment.
 */
export function cyrb53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const TWO_53 = 2 ** 53;

/**
 * A number in the open interval (0, 1) from the hash of `text`: the 53 bits plus one half,
 * over 2^53, so it is never 0 (whose logarithm is -Infinity) and never 1.
 */
export function unitInterval(text: string): number {
  return (cyrb53(text) + 0.5) / TWO_53;
}
