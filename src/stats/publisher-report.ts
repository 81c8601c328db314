import { AppError, RETRY_SOON } from '../errors';
import type { StatsReport } from '../schemas/stats';
import { statsRange } from './range';
import { buildReport, daysBetween, type Granularity } from './report';
import type { Stats } from './stats';

/**
 * The report for a range, as the stats API and the dashboard show it. This isolate's unsent
 * counts are flushed first, so what it has counted is in; other isolates' batches arrive
 * within `stats.flushSeconds` of their first event (or with their isolate, lost).
 */
export async function publisherReport(
  deps: {
    stats: Pick<Stats, 'flush' | 'read'>;
    variants: readonly { id: string; weight: number }[];
    shadowConfigured: boolean;
    now: Date;
  },
  query: { from?: string | undefined; to?: string | undefined; granularity: Granularity },
): Promise<StatsReport> {
  const { from, to } = statsRange(query, deps.now);
  await deps.stats.flush();
  let stored: Awaited<ReturnType<Stats['read']>>;
  try {
    stored = await deps.stats.read(daysBetween(from, to));
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
    variants: deps.variants,
    shadowConfigured: deps.shadowConfigured,
  });
}
