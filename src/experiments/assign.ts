import type { Experiment, Variant } from './config';
import { unitInterval } from './hash';

/**
 * Which variant of the prompt a reader sees: weighted rendezvous hashing (highest random
 * weight). Each variant draws a number u in (0, 1) from the hash of
 * `experimentId|variantId|readerKey` and scores -ln(u) / weight; the lowest score wins. The
 * score is an exponential variable with rate `weight`, and the smallest of independent
 * exponentials is variant i with probability weight_i / Σ weights: the split follows the
 * weights.
 *
 * Why this and not buckets along [0, 1): a variant's score depends on its own weight only,
 * so changing one weight (or adding, pausing or removing a variant) moves readers into or
 * out of that variant and never between two others. Cumulative buckets shift every
 * boundary after the changed one. A weight of 0 scores +Infinity and never wins.
 *
 * `readerKey` must stay the same through the whole funnel (prompt, checkout, payment): the
 * 22-character random id inside the signed reader id (`Reader.rawId`), not the signed value,
 * which changes as it carries the meter. Deterministic and synchronous: no clock, no I/O.
 *
 * Null when there is no experiment (no variant with a weight above 0; the schema allows that
 * only for an empty list).
 */
export function assignVariant(readerKey: string, experiment: Experiment): Variant | null {
  let best: Variant | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const variant of experiment.variants) {
    if (!(variant.weight > 0)) continue;
    const u = unitInterval(`${experiment.id}|${variant.id}|${readerKey}`);
    const score = -Math.log(u) / variant.weight;
    // A tie (never seen in practice: 53-bit draws) goes to the variant listed first.
    if (best === null || score < bestScore) {
      best = variant;
      bestScore = score;
    }
  }
  return best;
}
