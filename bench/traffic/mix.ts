import { prng } from '../../tests/soak/load';
import { newReader, predictRead, type ReaderModel, type ReadReason } from '../../tests/soak/model';
import { envNumber } from '../support/load';

/**
 * The traffic the bench replays: a month of anonymous readers, generated from a seed, so
 * every run (and both meter modes within a run) replays exactly the same views. Pure: the
 * plan is made before any request, with the soak's reference meter (tests/soak/model.ts) as
 * the Redis-only meter a reader would meet, so where a reader meets the wall, and whether they
 * come back after it, does not depend on what the service answers.
 *
 * Every parameter, its value and its source (or "assumption") is printed and written to
 * docs/performance.md from `MIX_SOURCES`.
 */
export const MIX = {
  seed: 20_261_201,
  readers: envNumber('BENCH_TRAFFIC_READERS', 2_000),
  /** Views per reader per month: P(k) ∝ k^-viewsExponent for k = 1..maxViews. */
  viewsExponent: 2,
  maxViews: 60,
  /** Article popularity: P(rank r) ∝ r^-popularityExponent over `articles` articles. */
  articles: 500,
  popularityExponent: 1,
  /** Share of a reader's later views that re-open an article they opened before. */
  rereadShare: 0.1,
  /** Share of readers who, walled, come back for the rest of their views; the rest leave. */
  returnAfterWall: 0.3,
  /** The meter: 3 distinct articles per calendar month (the default). */
  limit: 3,
};
export type Mix = typeof MIX;

export const MIX_SOURCES: { parameter: string; value: (m: Mix) => string; source: string }[] = [
  {
    parameter: 'anonymous readers in the month',
    value: (m) => m.readers.toLocaleString('en-US'),
    source: 'bench size (`BENCH_TRAFFIC_READERS`)',
  },
  {
    parameter: 'views per reader, P(k) ∝ k^-s',
    value: (m) => `s = ${m.viewsExponent}, k = 1…${m.maxViews}`,
    source:
      'assumption, near the published shape: 54% of a newspaper site’s monthly unique visitors come ' +
      'once, and the top 25% make 86% of page views (Belden Interactive / ITZ Publishing, quoted by ' +
      'CJR, “Loyal readers and junk traffic”, cjr.org/the_audit/loyal_readers_and_junk_traffic.php)',
  },
  {
    parameter: 'article popularity, Zipf P(r) ∝ r^-a',
    value: (m) => `a = ${m.popularityExponent} over ${m.articles} articles`,
    source:
      'assumption; web requests are Zipf-like with a = 0.64–0.83 (Breslau et al., “Web Caching and ' +
      'Zipf-like Distributions”, IEEE INFOCOM 1999); a = 1 is a little more concentrated',
  },
  {
    parameter: 're-reads',
    value: (m) =>
      `${m.rereadShare * 100}% of a reader’s later views re-open an article they opened`,
    source: 'assumption',
  },
  {
    parameter: 'readers who come back after the wall',
    value: (m) =>
      `${m.returnAfterWall * 100}% of walled readers make their remaining views; the rest leave`,
    source: 'assumption',
  },
  {
    parameter: 'meter',
    value: (m) => `${m.limit} distinct articles per calendar month`,
    source: 'the default `PAYWALL_CONFIG.meter`',
  },
];

export interface PlannedView {
  article: string;
  /** What a Redis-only meter answers (the reference model), for the guard. */
  expected: ReadReason;
}

export interface ReaderPlan {
  views: PlannedView[];
  /** Opened a second distinct article: the readers the new meter may keep a key for. */
  returning: boolean;
  walled: boolean;
  cameBackAfterWall: boolean;
}

export interface MixStats {
  readers: number;
  views: number;
  readOnce: number;
  readTwentyOrMore: number;
  rereads: number;
  returningReaders: number;
  walledReaders: number;
  cameBackAfterWall: number;
  viewsAfterWall: number;
  /** Views the reference meter grants (metered + already_read). */
  grantedByModel: number;
}

export const articleId = (rank: number) => `2026/11/traffic-${rank}`;

export function planMonth(mix: Mix): ReaderPlan[] {
  const rand = prng(mix.seed);
  const viewsOf = sampler(mix.maxViews, mix.viewsExponent, rand);
  const popular = sampler(mix.articles, mix.popularityExponent, rand);
  return Array.from({ length: mix.readers }, () => planReader(mix, rand, viewsOf(), popular));
}

function planReader(mix: Mix, rand: () => number, count: number, popular: () => number) {
  const opened: string[] = [];
  const views: PlannedView[] = [];
  let model: ReaderModel = newReader();
  let walled = false;
  let cameBack = false;
  for (let i = 0; i < count; i++) {
    const reread = opened.length > 0 && rand() < mix.rereadShare;
    const article = reread
      ? (opened[Math.floor(rand() * opened.length)] as string)
      : articleId(popular());
    const expected = predictRead(model, article, mix.limit);
    views.push({ article, expected });
    if (expected === 'metered') model = { counted: [...model.counted, article] };
    if (!opened.includes(article)) opened.push(article);
    if (expected === 'meter_exhausted' && !walled) {
      walled = true;
      cameBack = rand() < mix.returnAfterWall;
      if (!cameBack) break;
    }
  }
  return { views, returning: opened.length >= 2, walled, cameBackAfterWall: cameBack };
}

/** Draws k in 1..n with P(k) ∝ k^-exponent, by inverting the cumulative weights. */
function sampler(n: number, exponent: number, rand: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= n; k++) {
    total += k ** -exponent;
    cumulative.push(total);
  }
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? total) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

export function mixStats(plans: ReaderPlan[]): MixStats {
  let views = 0;
  let rereads = 0;
  let viewsAfterWall = 0;
  let grantedByModel = 0;
  for (const plan of plans) {
    views += plan.views.length;
    const seen = new Set<string>();
    let afterWall = false;
    for (const view of plan.views) {
      if (seen.has(view.article)) rereads++;
      seen.add(view.article);
      if (afterWall) viewsAfterWall++;
      if (view.expected === 'meter_exhausted') afterWall = true;
      if (view.expected !== 'meter_exhausted') grantedByModel++;
    }
  }
  return {
    readers: plans.length,
    views,
    readOnce: plans.filter((p) => p.views.length === 1).length,
    readTwentyOrMore: plans.filter((p) => p.views.length >= 20).length,
    rereads,
    returningReaders: plans.filter((p) => p.returning).length,
    walledReaders: plans.filter((p) => p.walled).length,
    cameBackAfterWall: plans.filter((p) => p.cameBackAfterWall).length,
    viewsAfterWall,
    grantedByModel,
  };
}
