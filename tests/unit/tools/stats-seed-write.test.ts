import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFERS, offersSchema } from '../../../src/billing/offers';
import type { ScriptRunner } from '../../../src/redis/client';
import { createKeys } from '../../../src/redis/keys';
import { buildReport } from '../../../src/stats/report';
import { FLUSH_SCRIPT, READ_SCRIPT } from '../../../src/stats/scripts';
import { readRange } from '../../../src/stats/store';
import { type SeededMonth, seedMonth } from '../../../tools/stats-seed/generate';
import {
  batchesOf,
  CLAIM_SCRIPT,
  isSeeded,
  SEEDED_SCRIPT,
  seededMarkerKey,
  TOTALS_SCRIPT,
  writeSeed,
} from '../../../tools/stats-seed/write';

// The writer (tools/stats-seed/write.ts) through the real `writeBatch` and `readRange` of
// src/stats/. Redis is a small stand-in that runs the scripts the seeding sends, told apart by
// their text, by their documented ARGV (src/stats/scripts.ts, write.ts): upstash-local's
// embedded backend (ioredis-mock) has no PFADD. The same path against a real redis-server is
// tried by hand (tools/stats-seed/README.md).

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

/** Hashes, HyperLogLogs (as exact sets), strings and expiry times: what the scripts touch. */
class FakeRedis {
  readonly hashes = new Map<string, Map<string, number>>();
  readonly logs = new Map<string, Set<string>>();
  readonly strings = new Map<string, string>();
  readonly expireAt = new Map<string, number>();
  scripts = 0;

  runner(): ScriptRunner {
    const runner = {
      evalsha: async () => {
        throw new Error('NOSCRIPT No matching script');
      },
      eval: async (script: string, k: string[], a: unknown[]) =>
        this.eval(script, k, a.map(String)),
    };
    return runner as unknown as ScriptRunner;
  }

  private hash(key: string): Map<string, number> {
    let h = this.hashes.get(key);
    if (!h) {
      h = new Map();
      this.hashes.set(key, h);
    }
    return h;
  }

  private eval(script: string, keys: string[], argv: string[]): unknown {
    this.scripts++;
    const arg = (i: number) => argv[i] as string;
    if (script === FLUSH_SCRIPT) {
      const hashes = Number(arg(0));
      let a = 1;
      for (let k = 0; k < hashes; k++) {
        const [expireAt, n] = [Number(arg(a)), Number(arg(a + 1))];
        a += 2;
        const fresh = !this.hashes.has(keys[k] as string);
        const h = this.hash(keys[k] as string);
        for (let i = 0; i < n; i++, a += 2)
          h.set(arg(a), (h.get(arg(a)) ?? 0) + Number(arg(a + 1)));
        if (fresh) this.expireAt.set(keys[k] as string, expireAt);
      }
      for (const key of keys.slice(hashes)) {
        const [expireAt, n] = [Number(arg(a)), Number(arg(a + 1))];
        a += 2;
        const log = this.logs.get(key) ?? new Set<string>();
        for (let i = 0; i < n; i++, a++) log.add(arg(a));
        this.logs.set(key, log);
        this.expireAt.set(key, expireAt);
      }
      return 1;
    }
    if (script === READ_SCRIPT) {
      const n = Number(arg(0));
      const flat = (key: string) =>
        [...(this.hashes.get(key) ?? [])].flatMap(([f, v]) => [f, String(v)]);
      const union = (ks: string[]) =>
        new Set(ks.flatMap((key) => [...(this.logs.get(key) ?? [])])).size;
      return [
        ...keys.slice(0, n + 1).map(flat),
        union(keys.slice(n + 1, 2 * n + 1)),
        union(keys.slice(2 * n + 1)),
      ];
    }
    if (script === CLAIM_SCRIPT) {
      const key = keys[0] as string;
      if (arg(1) !== '1' && this.strings.has(key)) return 0;
      this.strings.set(key, arg(0));
      return 1;
    }
    if (script === SEEDED_SCRIPT) return this.strings.has(keys[0] as string) ? 1 : 0;
    if (script === TOTALS_SCRIPT) {
      const h = this.hash(keys[0] as string);
      for (let i = 0; i < argv.length; i += 2)
        h.set(arg(i), (h.get(arg(i)) ?? 0) + Number(arg(i + 1)));
      return 1;
    }
    throw new Error('ERR unknown script');
  }
}

const total = (m: SeededMonth, k: 'views' | 'walled' | 'prompts' | 'checkouts' | 'paid') =>
  m.days.reduce((n, d) => n + d.funnel[k], 0);

describe('writeSeed', () => {
  it('stores what was generated: read back, the report has the same funnel and totals', async () => {
    const fake = new FakeRedis();
    const redis = fake.runner();
    expect(await writeSeed(redis, keys, month, opts)).toBe(true);
    // One claim, a script call per day (few walled readers here), one for the totals.
    expect(fake.scripts).toBe(1 + days.length + 1);
    const stored = await readRange(redis, keys, days, 5_000);
    for (const d of month.days) expect(stored.days.get(d.day)).toEqual(d.counts);
    expect(stored.totals).toEqual(month.totals);
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
    expect(fake.expireAt.get(keys.statsDay(first))).toBe(
      Date.parse(`${first}T00:00:00Z`) + 401 * 86_400_000,
    );
  });

  it('seeds a prefix once: a second run writes nothing, --force adds the counts again', async () => {
    const fake = new FakeRedis();
    const redis = fake.runner();
    expect(await isSeeded(redis, PREFIX)).toBe(false);
    await writeSeed(redis, keys, month, opts);
    expect(await isSeeded(redis, PREFIX)).toBe(true);
    expect(await isSeeded(redis, 'other:')).toBe(false);
    expect(fake.strings.get(seededMarkerKey(PREFIX))).toBe('{"seed":3}');
    expect(seededMarkerKey(PREFIX)).toBe('seedtest:stats:seeded');
    expect(await writeSeed(redis, keys, month, opts)).toBe(false);
    const once = await readRange(redis, keys, days, 5_000);
    for (const d of month.days) expect(once.days.get(d.day)).toEqual(d.counts);
    expect(once.totals).toEqual(month.totals);

    expect(await writeSeed(redis, keys, month, { ...opts, force: true })).toBe(true);
    const twice = await readRange(redis, keys, days, 5_000);
    for (const d of month.days) {
      for (const [name, n] of d.counts) expect(twice.days.get(d.day)?.get(name)).toBe(2 * n);
    }
    expect(twice.totals.get('active')).toBe(2 * (month.totals.get('active') ?? 0));
  });

  it('never writes a day from today on, and then writes nothing at all', async () => {
    const fake = new FakeRedis();
    await expect(
      writeSeed(fake.runner(), keys, month, { ...opts, today: '2026-11-30' }),
    ).rejects.toThrow(/refusing to seed 2026-11-30/);
    expect(fake.scripts).toBe(0);
    expect(fake.hashes.size + fake.logs.size + fake.strings.size).toBe(0);
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
