import { MIX, planMonth } from '../../bench/traffic/mix';
import type { ViewOutcome } from '../../src/schemas/stats';
import { newReader, predictRead, type ReaderModel } from '../../tests/soak/model';
import { daysOfMonth, weightedPicker } from './calendar';

/**
 * Who reads in one calendar month, and what the live meter answers each read (pure). The
 * anonymous readers are the cost work's traffic mix (bench/traffic/mix.ts: heavy-tailed views
 * per reader, Zipf articles, re-reads, most walled readers leaving), judged by the soak's
 * reference meter, so where a reader meets the wall is what the real meter would answer.
 * Beside them: subscribers (who read more), one-off readers of the big story, crawlers, and a
 * few premium and free articles, which the meter never sees.
 *
 * Reads are spread over the whole month, the days outside the seeded range included, so a
 * reader met on the range's first day may already have used their free articles.
 */

export interface PlannedRead {
  day: string;
  outcome: ViewOutcome;
  /** Articles the meter holds for the reader after this read; null when it was not asked. */
  used: number | null;
}

export interface ReaderTimeline {
  /** Synthetic, unique per seed: the variant assignment's and the walled-readers hash's input. */
  key: string;
  /** A reader who may start a checkout (not a subscriber, not a crawler). */
  prospect: boolean;
  reads: PlannedRead[];
}

export interface MonthPlanInput {
  month: string;
  /** Relative traffic of each day of the month (calendar.ts `dayWeight`). */
  weightOf: (day: string) => number;
  anonymousReaders: number;
  meterLimit: number;
  /** The day of the big story, when it falls in this month, and its extra one-off readers. */
  spike: { day: string; readers: number } | null;
  /** Share of a day's metered reads answered `degraded` (Redis unreachable, failing open). */
  degradedShare: (day: string) => number;
  rand: () => number;
  keyPrefix: string;
}

/** Shares of the anonymous traffic. Assumptions, near what a metered news site sees. */
export const SHARES = {
  /** A read of a premium article (always walled), beside each metered read. */
  premium: 0.035,
  /** A read of a free article (never metered), beside each metered read. */
  free: 0.06,
  /** Subscribers per anonymous reader; they read about four times as much (≈10% of views). */
  subscribers: 0.036,
  /** Verified crawlers' reads per anonymous read. */
  crawler: 0.03,
} as const;

export function planMonthReaders(input: MonthPlanInput): ReaderTimeline[] {
  const { rand } = input;
  const days = daysOfMonth(input.month);
  const pickDay = weightedPicker(days.map(input.weightOf));
  const spread = (count: number): string[] =>
    Array.from({ length: count }, () => days[pickDay(rand())] as string).sort();

  const readers: ReaderTimeline[] = [];
  const plans = planMonth({
    ...MIX,
    seed: Math.floor(rand() * 2 ** 32),
    readers: input.anonymousReaders,
    limit: input.meterLimit,
  });
  plans.forEach((plan, i) => {
    const outcomes: Omit<PlannedRead, 'day'>[] = [];
    let counted = 0;
    for (const view of plan.views) {
      if (rand() < SHARES.premium) outcomes.push({ outcome: 'premium', used: null });
      if (rand() < SHARES.free) outcomes.push({ outcome: 'free_article', used: null });
      if (view.expected === 'metered') counted++;
      const used = view.expected === 'meter_exhausted' ? input.meterLimit : counted;
      outcomes.push({ outcome: view.expected, used });
    }
    const reads = spread(outcomes.length).map((day, j) => {
      const read = outcomes[j] as Omit<PlannedRead, 'day'>;
      const metered = read.used !== null;
      return metered && rand() < input.degradedShare(day)
        ? { day, outcome: 'degraded' as const, used: null }
        : { day, ...read };
    });
    readers.push({ key: `${input.keyPrefix}a${i}`, prospect: true, reads });
  });

  const anonymousReads = readers.reduce((sum, r) => sum + r.reads.length, 0);
  const subscribers = Math.round(input.anonymousReaders * SHARES.subscribers);
  for (let i = 0; i < subscribers; i++) {
    // 1 to 60 reads, about 8 on average: a subscriber is a regular.
    const count = Math.min(60, 1 + Math.floor(-Math.log(1 - rand()) * 7));
    const reads = spread(count).map((day) => ({ day, outcome: 'subscriber' as const, used: null }));
    readers.push({ key: `${input.keyPrefix}s${i}`, prospect: false, reads });
  }

  if (input.spike) readers.push(...spikeReaders(input, input.spike));

  // Two crawlers (a search engine's and another's), re-fetching pages all month.
  const crawlerReads = Math.round(anonymousReads * SHARES.crawler);
  for (const [i, share] of [0.7, 0.3].entries()) {
    const reads = spread(Math.round(crawlerReads * share)).map((day) => ({
      day,
      outcome: 'verified_crawler' as const,
      used: null,
    }));
    readers.push({ key: `${input.keyPrefix}c${i}`, prospect: false, reads });
  }
  return readers;
}

/** Newcomers who came for the big story: one read, sometimes a follow-up, all that day. */
function spikeReaders(
  input: MonthPlanInput,
  spike: { day: string; readers: number },
): ReaderTimeline[] {
  const readers: ReaderTimeline[] = [];
  for (let i = 0; i < spike.readers; i++) {
    let model: ReaderModel = newReader();
    const reads: PlannedRead[] = [];
    const articles = input.rand() < 0.25 ? ['big-story', 'follow-up'] : ['big-story'];
    for (const article of articles) {
      const outcome = predictRead(model, article, input.meterLimit);
      if (outcome === 'metered') model = { counted: [...model.counted, article] };
      const used = outcome === 'meter_exhausted' ? input.meterLimit : model.counted.length;
      reads.push({ day: spike.day, outcome, used });
    }
    readers.push({ key: `${input.keyPrefix}n${i}`, prospect: true, reads });
  }
  return readers;
}
