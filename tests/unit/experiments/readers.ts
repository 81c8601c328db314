import { toBase64Url } from '../../../src/encoding';

/**
 * Simulated readers for the assignment tests: 22-character base64url ids (128 random bits,
 * as src/reader/reader-id.ts issues them) from a seeded PRNG, so every run sees the same
 * readers. sfc32 (Chris Doty-Humphrey's small fast counter), not fast-check's generators:
 * those lean towards small and edge values on purpose, and these ids must be uniform.
 */
export function seededReaderIds(count: number, seed: number): string[] {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 20; i++) next(); // let the seed spread through the state
  const ids: string[] = [];
  const bytes = new Uint8Array(16);
  const words = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) {
    for (let w = 0; w < 4; w++) words.setUint32(w * 4, next());
    ids.push(toBase64Url(bytes));
  }
  return ids;
}
