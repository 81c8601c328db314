/**
 * The soak's reference model: what the meter and the entitlements must be, from what the
 * load did. Pure: no I/O, no clock.
 *
 * Meter (the default config: `limit` distinct articles per calendar month, one window for a
 * run that does not cross a month boundary):
 * - a read of an article the reader already has counted is `already_read` (granted);
 * - a read of a new article is `metered` (granted, counted) while fewer than `limit` are
 *   counted, else `meter_exhausted` (denied, not counted);
 * - a read the worker answered `degraded` (the meter could not be asked: Redis failed) is
 *   not counted: the model leaves the reader as it was. The rule holds because the fault
 *   proxy fails a Redis call before forwarding it, so the meter's script never ran.
 *
 * Entitlements: a paid subscription checkout entitles its subscriber; a subscription cancelled
 * (at once, by the emulator's control API) does not any more.
 */

export type ReadReason = 'metered' | 'already_read' | 'meter_exhausted';

export interface ReaderModel {
  /** Articles counted this window, in order. */
  readonly counted: readonly string[];
}

export const newReader = (): ReaderModel => ({ counted: [] });

/** What a non-degraded read of `article` must answer. */
export function predictRead(reader: ReaderModel, article: string, limit: number): ReadReason {
  if (reader.counted.includes(article)) return 'already_read';
  return reader.counted.length < limit ? 'metered' : 'meter_exhausted';
}

/** The reader after a read the worker answered with `reason`. */
export function applyRead(
  reader: ReaderModel,
  article: string,
  limit: number,
  reason: string,
): ReaderModel {
  if (reason === 'degraded') return reader;
  return predictRead(reader, article, limit) === 'metered'
    ? { counted: [...reader.counted, article] }
    : reader;
}

/** Lost (the model counted more than the worker) and extra (the worker counted more). */
export function compareMeter(model: number, actual: number): { lost: number; extra: number } {
  return { lost: Math.max(0, model - actual), extra: Math.max(0, actual - model) };
}

export type SubscriptionEvent = 'paid' | 'cancelled';

/** Whether a subscription must entitle after these events, in order. */
export function entitledAfter(events: readonly SubscriptionEvent[]): boolean {
  let entitled = false;
  for (const event of events) entitled = event === 'paid';
  return entitled;
}

/** Lost: must be entitled and is not. Wrongly granted: must not be and is. */
export function compareEntitlement(
  model: boolean,
  actual: boolean,
): 'ok' | 'lost' | 'wrongly_granted' {
  if (model === actual) return 'ok';
  return model ? 'lost' : 'wrongly_granted';
}
