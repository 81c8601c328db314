import { z } from 'zod';
import type { MeterResult } from '../meter/meter';
import { type AccessRule, rulesConfigSchema } from '../rules/config';
import { type ArticleRef, classifyArticle } from '../rules/rules';

/**
 * Shadow rules (PAYWALL_CONFIG `shadow`): a candidate meter limit and/or candidate rules that
 * decide nothing. Every counted view is also judged by them, from the same meter answer (no
 * second script call), and the stats count what they would have walled.
 */
export const shadowConfigSchema = z
  .object({
    /** A candidate limit of distinct articles per window; unset keeps the live limit. */
    meterLimit: z.number().int().min(1).max(1_000).optional(),
    /** Candidate rules, in place of the live ones; unset keeps the live rules. */
    rules: rulesConfigSchema.optional(),
  })
  .strict()
  .nullable()
  .default(null);

export type ShadowConfig = NonNullable<z.infer<typeof shadowConfigSchema>>;

/**
 * Whether the shadow configuration would have walled this view (pure): an estimate from the
 * live meter's answer, which knows the distinct articles the live meter counted. Its error
 * classes (docs/stats.md, "Shadow rules"): re-reads of articles counted between a stricter
 * candidate limit and the live one stay granted; candidate rules that take articles out of
 * the meter do not take them out of the live count; a looser candidate limit is a lower bound
 * (the live meter stops counting at its limit); an article the live rules did not meter had no
 * meter answer and counts as granted.
 */
export function shadowWalls(input: {
  shadow: ShadowConfig;
  liveRules: readonly AccessRule[];
  /** The live limit of this reader (with a registered reader's extra articles). */
  liveLimit: number;
  /** The live configuration's limit (`meter.limit`), which `shadow.meterLimit` replaces. */
  configuredLimit: number;
  article: ArticleRef;
  entitled: boolean;
  verifiedCrawler: boolean;
  meter: MeterResult | null;
  onMeterFailure: 'open' | 'closed';
}): boolean {
  if (input.entitled || input.verifiedCrawler) return false;
  const access = classifyArticle(input.article, input.shadow.rules ?? input.liveRules);
  if (access === 'free') return false;
  if (access === 'premium') return true;
  const meter = input.meter;
  if (meter === null) return false;
  if (!meter.ok) return input.onMeterFailure === 'closed';
  const limit =
    input.liveLimit - input.configuredLimit + (input.shadow.meterLimit ?? input.configuredLimit);
  switch (meter.outcome) {
    case 'already_read':
      return false;
    case 'counted':
    case 'available':
      return meter.used > limit;
    case 'exhausted':
      return meter.used >= limit;
  }
}
