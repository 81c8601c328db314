import type { Env } from '../../src/env';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';
import { dayOf } from '../../src/stats/labels';
import { seedMonth } from './generate';
import { isSeeded, writeSeed } from './write';

/**
 * Seeds the demo counters into the Redis a parsed environment names (`npm start`'s, or the
 * command line's): the configured experiment, offers, meter limit and shadow, so the
 * dashboard's tables line up with the configuration it is read with. Used by main.ts and by
 * tools/dev/dev.ts.
 */
export interface SeedRun {
  days?: number;
  seed?: number;
  readersPerDay?: number;
  force?: boolean;
  now: Date;
}

export interface SeedOutcome {
  seeded: boolean;
  /** One line for the console. */
  line: string;
}

export const DEFAULTS = { days: 30, seed: 20_261_201, readersPerDay: 2_000 } as const;

/** Seeding takes many times one worker call's Redis budget: its batches are a day each. */
const TIMEOUT_MS = 15_000;

export async function seedDemoStats(env: Env, run: SeedRun): Promise<SeedOutcome> {
  if (env.ENVIRONMENT !== 'development') {
    throw new Error(`demo counters are for development only (ENVIRONMENT is ${env.ENVIRONMENT})`);
  }
  const config = env.PAYWALL_CONFIG;
  const prefix = env.REDIS_KEY_PREFIX;
  const days = run.days ?? DEFAULTS.days;
  const seed = run.seed ?? DEFAULTS.seed;
  const today = dayOf(run.now);
  const endDay = dayOf(new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000));
  const redis = createRedisClient({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    timeoutMs: TIMEOUT_MS,
  });
  const already = {
    seeded: false,
    line: `already seeded under "${prefix}" (${prefix}stats:seeded); --force adds the counts again`,
  };
  if (!run.force && (await isSeeded(redis, prefix))) return already;
  const month = seedMonth({
    seed,
    endDay,
    days,
    readersPerDay: run.readersPerDay ?? DEFAULTS.readersPerDay,
    experiment: config.experiment,
    offers: config.offers,
    meterLimit: config.meter.limit,
    shadowLimit: config.shadow === null ? null : (config.shadow.meterLimit ?? config.meter.limit),
  });
  const from = month.days[0]?.day ?? endDay;
  const seeded = await writeSeed(redis, createKeys(prefix), month, {
    prefix,
    retentionDays: config.stats.retentionDays,
    timeoutMs: TIMEOUT_MS,
    today,
    force: run.force ?? false,
    note: { seed, from, to: endDay, at: run.now.toISOString() },
  });
  if (!seeded) return already;
  const sum = (step: 'views' | 'checkouts' | 'paid') =>
    month.days.reduce((n, d) => n + d.funnel[step], 0);
  const fmt = (n: number) => n.toLocaleString('en-US');
  const notes = [
    config.experiment.variants.length === 0 ? 'no experiment configured' : '',
    config.shadow === null ? 'no shadow configured' : '',
  ].filter(Boolean);
  return {
    seeded: true,
    line:
      `seeded ${days} days (${from} to ${endDay}) under "${prefix}": ${fmt(sum('views'))} views, ` +
      `${fmt(sum('checkouts'))} checkouts, ${fmt(sum('paid'))} payments, big story on ` +
      `${month.spikeDay}${notes.length > 0 ? ` (${notes.join(', ')}: those sections stay empty)` : ''}`,
  };
}
