import { AppError, RETRY_SOON } from '../errors';
import type { StatsReport } from '../schemas/stats';
import { statsRange } from './range';
import { buildReport, daysBetween, type Granularity } from './report';
import type { Stats } from './stats';

/**
 * The report for a range, as the stats API and the dashboard show it, with what the
 * configuration says (the experiment's variants, whether shadow rules are set). This
 * isolate's unsent counts are flushed first, so what it has counted is in; other isolates'
 * batches arrive once due (or are lost with their isolate).
 */
export async function reportFor(
  services: {
    stats: Pick<Stats, 'flush' | 'read'>;
    config: {
      experiment?: { variants: readonly { id: string; weight: number }[] } | null | undefined;
      shadow: unknown;
    };
    now(): Date;
  },
  query: { from?: string | undefined; to?: string | undefined; granularity: Granularity },
): Promise<StatsReport> {
  const { from, to } = statsRange(query, services.now());
  await services.stats.flush();
  let stored: Awaited<ReturnType<Stats['read']>>;
  try {
    stored = await services.stats.read(daysBetween(from, to));
  } catch {
    throw new AppError(
      'service_unavailable',
      'The counters cannot be read right now; try again shortly.',
      RETRY_SOON,
    );
  }
  return buildReport(stored, {
    from,
    to,
    granularity: query.granularity,
    variants: (services.config.experiment?.variants ?? []).map(({ id, weight }) => ({
      id,
      weight,
    })),
    shadowConfigured: services.config.shadow !== null,
  });
}
