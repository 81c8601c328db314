import { z } from 'zod';

/**
 * How the publisher's counters are gathered (PAYWALL_CONFIG `stats`). Counts gather in the
 * isolate and go to Redis in one script call when `flushEvents` have gathered or
 * `flushSeconds` have passed since the first, after a response (waitUntil), never before one.
 */
export const statsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Events per flush: more means fewer Redis commands and more lost with an isolate. */
    flushEvents: z.number().int().min(1).max(10_000).default(500),
    flushSeconds: z.number().int().min(1).max(3_600).default(30),
    /** Days a day's counters are kept after it ends. */
    retentionDays: z.number().int().min(1).max(3_660).default(400),
  })
  .strict();

export type StatsConfig = z.infer<typeof statsConfigSchema>;
