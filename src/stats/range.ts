import { AppError } from '../errors';
import { MAX_STATS_DAYS } from '../schemas/stats';
import { dayOf } from './labels';

/**
 * The asked range, with its defaults (the last 30 days to today), refused with a 400 when it
 * runs backwards or is longer than MAX_STATS_DAYS: a range is read in one script call, one
 * hash per day.
 */
export function statsRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
): { from: string; to: string } {
  const to = query.to ?? dayOf(now);
  const from = query.from ?? dayOf(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000));
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days < 1) throw new AppError('invalid_request', '`from` must not be after `to`.');
  if (days > MAX_STATS_DAYS)
    throw new AppError('invalid_request', `A range is at most ${MAX_STATS_DAYS} days.`);
  return { from, to };
}
