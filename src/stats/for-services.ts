import { publisherReport } from './publisher-report';
import type { Granularity } from './report';
import type { Stats } from './stats';

/** The report with what the configuration says: the experiment's variants, shadow rules. */
export function reportFor(
  services: {
    stats: Stats;
    config: {
      experiment?: { variants: readonly { id: string; weight: number }[] } | null | undefined;
      shadow: unknown;
    };
    now(): Date;
  },
  query: { from?: string | undefined; to?: string | undefined; granularity: Granularity },
) {
  return publisherReport(
    {
      stats: services.stats,
      variants: (services.config.experiment?.variants ?? []).map((v) => ({
        id: v.id,
        weight: v.weight,
      })),
      shadowConfigured: services.config.shadow !== null,
      now: services.now(),
    },
    query,
  );
}
