import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFERS, offersSchema } from '../../../src/billing/offers';
import type { ScriptRunner } from '../../../src/redis/client';
import { createKeys } from '../../../src/redis/keys';
import { buildReport } from '../../../src/stats/report';
import { readRange } from '../../../src/stats/store';
import { type SeededMonth, seedMonth } from '../../../tools/stats-seed/generate';
import { batchesOf, isSeeded, seededMarkerKey, writeSeed } from '../../../tools/stats-seed/write';
import { MemoryBackend } from '../../../tools/upstash-local/memory-backend';

// The writer (tools/stats-seed/write.ts) through the real `writeBatch` and `readRange` of
// src/stats/, against upstash-local's embedded backend (its Lua runs the same scripts, and
// keeps HyperLogLogs as exact sets). The same path against a real redis-server is tried by
// hand (tools/stats-seed/README.md).

const PREFIX = 'seedtest:';
const keys = createKeys(PREFIX);
const variants = [
  { id: 'control', weight: 1 },
  { id: 'story-first', weight: 1 },
];
const month = seedMonth({
  seed: 3,
  endDay: '2026-11-30',
  days: 10,
  readersPerDay: 300,
  experiment: { id: 'prompt', variants },
  offers: offersSchema.parse(DEFAULT_OFFERS),
  meterLimit: 3,
  shadowLimit: 2,
});
const days = month.days.map((d) => d.day);
const opts = {
  prefix: PREFIX,
  retentionDays: 400,
  timeoutMs: 5_000,
  today: '2026-12-01',
  force: false,
  note: { seed: 3 },
};

/**
 * upstash-local's embedded backend (tools/upstash-local/memory-backend.ts): the scripts run
 * as Lua, as they do on Redis, HyperLogLog as an exact set. EVALSHA always answers NOSCRIPT
 * here, so every script call is one counted EVAL.
 */
class EmbeddedRedis {
  readonly backend = new MemoryBackend();
  scripts = 0;

  runner(): ScriptRunner {
    const runner = {
      evalsha: async () => {
        throw new Error('NOSCRIPT No matching script');
      },
      eval: async (script: string, k: string[], a: unknown[]) => {
        this.scripts++;
        return this.backend.exec(['EVAL', script, String(k.length), ...k, ...a.map(String)]);
      },
    };
    return runner as unknown as ScriptRunner;
  }

  exec(...command: string[]) {
    return this.backend.exec(command);
  }
}

const total = (m: SeededMonth, k: 'views' | 'walled' | 'prompts' | 'checkouts' | 'paid') =>
  m.days.reduce((n, d) => n + d.funnel[k], 0);

describe('writeSeed', () => {
  it('stores what was generated: read back, the report has the same funnel and totals', async () => {
    const fake = new EmbeddedRedis();
    const redis = fake.runner();
    expect(await writeSeed(redis, keys, month, opts)).toBe(true);
    // One claim, a script call per day (few walled readers here), one for the supporters.
    expect(fake.scripts).toBe(1 + days.length + 1);
    const stored = await readRange(redis, keys, days, 5_000);
    for (const d of month.days) expect(stored.days.get(d.day)).toEqual(d.counts);
    expect(stored.supporters).toEqual(month.supporters);
    const distinct = (which: 'live' | 'shadow') =>
      new Set(month.days.flatMap((d) => d.walledReaders[which])).size;
    expect(stored.walledReaders.live).toBe(distinct('live'));
    expect(stored.walledReaders.shadow).toBe(distinct('shadow'));
    expect(stored.walledReaders.shadow).toBeGreaterThan(stored.walledReaders.live);
    const report = buildReport(stored, {
      from: days[0] as string,
      to: days.at(-1) as string,
      granularity: 'day',
      variants,
      shadowConfigured: true,
    });
    expect(report.funnel).toEqual({
      views: total(month, 'views'),
      walled: total(month, 'walled'),
      prompts: total(month, 'prompts'),
      checkouts: total(month, 'checkouts'),
      paid: total(month, 'paid'),
    });
    // Each day hash expires with the retention after its day, as the worker's own counts do.
    const first = days[0] as string;
    const ttl = Number(await fake.exec('PTTL', keys.statsDay(first)));
    const expected = Date.parse(`${first}T00:00:00Z`) + 401 * 86_400_000 - Date.now();
    expect(Math.abs(ttl - expected)).toBeLessThan(60_000);
  });

  it('seeds a prefix once: a second run writes nothing, --force adds the counts again', async () => {
    const fake = new EmbeddedRedis();
    const redis = fake.runner();
    expect(await isSeeded(redis, PREFIX)).toBe(false);
    await writeSeed(redis, keys, month, opts);
    expect(await isSeeded(redis, PREFIX)).toBe(true);
    expect(await isSeeded(redis, 'other:')).toBe(false);
    expect(await fake.exec('GET', seededMarkerKey(PREFIX))).toBe('{"seed":3}');
    expect(seededMarkerKey(PREFIX)).toBe('seedtest:stats:seeded');
    expect(await writeSeed(redis, keys, month, opts)).toBe(false);
    const once = await readRange(redis, keys, days, 5_000);
    for (const d of month.days) expect(once.days.get(d.day)).toEqual(d.counts);
    expect(once.supporters).toEqual(month.supporters);

    expect(await writeSeed(redis, keys, month, { ...opts, force: true })).toBe(true);
    const twice = await readRange(redis, keys, days, 5_000);
    for (const d of month.days) {
      for (const [name, n] of d.counts) expect(twice.days.get(d.day)?.get(name)).toBe(2 * n);
    }
    // The supporters are the same people: written again, not doubled.
    expect(twice.supporters).toEqual(month.supporters);
  });

  it('never writes a day from today on, and then writes nothing at all', async () => {
    const fake = new EmbeddedRedis();
    await expect(
      writeSeed(fake.runner(), keys, month, { ...opts, today: '2026-11-30' }),
    ).rejects.toThrow(/refusing to seed 2026-11-30/);
    expect(fake.scripts).toBe(0);
    expect(await fake.exec('KEYS', '*')).toEqual([]);
  });
});

describe('batchesOf', () => {
  it('sends the counts once and the walled readers 2,000 at a time, as the tally caps them', () => {
    const live = Array.from({ length: 4_500 }, (_, i) => `r${i}`);
    const day = {
      day: '2026-11-03',
      counts: new Map([['walled|live', 4_500]]),
      funnel: { views: 4_500, walled: 4_500, prompts: 0, checkouts: 0, paid: 0 },
      walledReaders: { live, shadow: ['s1'] },
    };
    const batches = batchesOf(day);
    expect(batches.map((b) => [...b.counts.keys()])).toEqual([['2026-11-03'], [], []]);
    expect(batches.map((b) => [...b.readers].map(([k, s]) => [k, s.size]))).toEqual([
      [
        ['2026-11-03|live', 2_000],
        ['2026-11-03|shadow', 1],
      ],
      [['2026-11-03|live', 2_000]],
      [['2026-11-03|live', 500]],
    ]);
    expect(batches.flatMap((b) => [...(b.readers.get('2026-11-03|live') ?? [])])).toEqual(live);
  });
});
