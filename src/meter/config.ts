import { z } from 'zod';

/**
 * The `meter` section of PAYWALL_CONFIG: how many distinct articles a reader gets per window.
 * `{}` is 3 per calendar month (UTC).
 */
const windowSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('calendar-month') }),
  z.object({ kind: z.literal('rolling'), days: z.number().int().min(1).max(366) }),
]);

export const meterConfigSchema = z
  .object({
    limit: z.number().int().min(1).max(1_000).default(3),
    window: windowSchema.default({ kind: 'calendar-month' }),
    /**
     * Carry an anonymous reader's meter state in the signed reader id (docs/architecture.md,
     * "The meter in the reader cookie"): a first read, a re-read and a walled reader's next
     * article cost no Redis command. `false` sends every anonymous read to Redis.
     */
    cookieState: z.boolean().default(true),
  })
  .strict()
  .default({ limit: 3, window: { kind: 'calendar-month' }, cookieState: true });

export type MeterConfig = z.infer<typeof meterConfigSchema>;
export type MeterWindow = MeterConfig['window'];
