/**
 * How sure the numbers are: the Wilson score interval on a conversion rate, and which
 * variant leads. Wilson rather than the textbook normal interval (p ± z·√(p(1−p)/n)) because
 * conversion rates are small and samples often are too: the normal interval collapses to
 * [0, 0] at 0 successes and can leave [0, 1], while Wilson's stays inside [0, 1] and keeps a
 * sensible width near the edges (Brown, Cai & DasGupta 2001).
 */

interface RateInterval {
  /** successes / trials; null (with low and high) when there were no trials. */
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** z = 1.96: a two-sided 95% interval. */
export function wilsonInterval(successes: number, trials: number, z = 1.96): RateInterval {
  if (!(trials > 0)) return { rate: null, low: null, high: null };
  // Counts summed over a date range can pair a payment with a prompt shown before the range
  // began, so a tiny sample may show more successes than trials: read that as every trial.
  const p = Math.min(1, Math.max(0, successes) / trials);
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  // The interval always holds p and lies in [0, 1]; clamping keeps rounding from breaking
  // either (0 of 11 computes a low end of 3e-17, not 0).
  return {
    rate: p,
    low: Math.max(0, Math.min(p, centre - half)),
    high: Math.min(1, Math.max(p, centre + half)),
  };
}

interface VariantOutcome {
  id: string;
  successes: number;
  trials: number;
}

interface Leader {
  id: string;
  /** Its interval lies wholly above every other variant's. */
  significant: boolean;
}

/**
 * The variant with the highest rate among those with trials (a tie goes to the one with more
 * trials, then to the one listed first), and whether it leads for real: its interval's low
 * end above every other variant's high end. A variant with no trials could be anywhere in
 * [0, 1], so while one is compared nothing is significant: leave out, before calling, the
 * variants that should not count (paused ones nobody saw). With one variant there is nothing
 * to lead and `significant` is false. Null when no variant had a trial.
 */
export function leadingVariant(variants: readonly VariantOutcome[], z = 1.96): Leader | null {
  const intervals = variants.map((v) => wilsonInterval(v.successes, v.trials, z));
  let lead = -1;
  for (let i = 0; i < variants.length; i++) {
    const rate = intervals[i]?.rate ?? null;
    if (rate === null) continue;
    const best = intervals[lead]?.rate ?? null;
    const more = (variants[i]?.trials ?? 0) > (variants[lead]?.trials ?? 0);
    if (best === null || rate > best || (rate === best && more)) lead = i;
  }
  const leader = variants[lead];
  const low = intervals[lead]?.low ?? null;
  if (!leader || low === null) return null;
  const others = intervals.filter((_, i) => i !== lead);
  const significant = others.length > 0 && others.every((o) => o.high !== null && low > o.high);
  return { id: leader.id, significant };
}
