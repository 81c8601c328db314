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
  })
  .strict()
  .default({ limit: 3, window: { kind: 'calendar-month' } });

export type MeterConfig = z.infer<typeof meterConfigSchema>;
export type MeterWindow = MeterConfig['window'];
