import type { StatsReport } from '../schemas/stats';
import { experimentsBlock } from './section-experiments';
import { section } from './section-frame';
import { shadowBlock } from './section-shadow';

/**
 * Question 4: would another limit earn more? Two ways to find out before switching anything
 * on: the shadow rules (counted, never applied) and experiments on the prompt itself.
 */

export const LIMITS_HEADING = 'Would another limit earn more?';

export function limitsSection(report: StatsReport, shadowDescription?: string): string {
  return section(
    'q-limit',
    LIMITS_HEADING,
    shadowBlock(report, shadowDescription) + experimentsBlock(report),
  );
}
