import { fixed, type Goal } from '../support/format';
import type { ChannelMeasure } from './measure';
import type { MixStats } from './mix';
import { CHANNELS, type Channel } from './replay';
import { MODES, type ModeKey } from './stack';

/**
 * What the counts cost, and the goals (issue 14). Pure: the report only prints.
 * Upstash pay-as-you-go bills every command, and the bench counts the commands a Lua script
 * runs as billed too (as the access bench does): the conservative reading.
 */
export const PRICING = {
  upstashPer100kCommands: 0.2,
  workersPerMillionRequests: 0.3,
  source:
    'Upstash Redis pay-as-you-go, $0.20 per 100K commands (upstash.com/pricing/redis); ' +
    'Cloudflare Workers paid plan, $0.30 per million requests beyond the included 10 million ' +
    '(developers.cloudflare.com/workers/platform/pricing); one Workers request per view',
};
export const GOALS = { commandsPer1000Views: 1_000, dollarsPerMillionViews: 2.3 };

export interface ChannelFigures {
  commandsPer1000Views: number;
  /** Of `commandsPer1000Views`: the stats flushes' (issue 15). */
  flushCommandsPer1000Views: number;
  roundTripsPerView: number;
  /** Round trips per view without the stats flushes: what a reader's request waits for. */
  readerRoundTripsPerView: number;
  /** Keys made per reader (the meter's); a day's counters are per day, not per reader. */
  keysCreated: number;
  keysPer1000Readers: number;
  /** Readers who opened a second article: the most the new meter may keep a key for. */
  returningPer1000Readers: number;
  upstashDollarsPerMillionViews: number;
  dollarsPerMillionViews: number;
}

export function channelFigures(m: ChannelMeasure, stats: MixStats): ChannelFigures {
  const views = Math.max(1, m.replay.views);
  const readers = Math.max(1, m.replay.readers);
  const commandsPerView = m.commands / views;
  const upstash = (commandsPerView * 1e6 * PRICING.upstashPer100kCommands) / 100_000;
  const keysCreated = Object.entries(m.keysCreated)
    .filter(([kind]) => kind !== 'stats')
    .reduce((a, [, n]) => a + n, 0);
  return {
    commandsPer1000Views: commandsPerView * 1_000,
    flushCommandsPer1000Views: (m.flushCommands * 1_000) / views,
    roundTripsPerView: m.roundTrips / views,
    readerRoundTripsPerView: (m.roundTrips - m.flushRoundTrips) / views,
    keysCreated,
    keysPer1000Readers: (keysCreated * 1_000) / readers,
    returningPer1000Readers: (stats.returningReaders * 1_000) / Math.max(1, stats.readers),
    upstashDollarsPerMillionViews: upstash,
    dollarsPerMillionViews: upstash + PRICING.workersPerMillionRequests,
  };
}

export type ChannelResult = ChannelMeasure & { figures: ChannelFigures };
export type ModeResults = Record<ModeKey, Record<Channel, ChannelResult>>;

export function evaluateGoals(modes: ModeResults, stats: MixStats, limit: number): Goal[] {
  const goals: Goal[] = [];
  for (const channel of CHANNELS) {
    const today = modes.redis[channel].figures;
    const now = modes.cookie[channel].figures;
    goals.push(
      {
        name: `${channel}: billed commands per 1,000 anonymous views ≤ ${count(GOALS.commandsPer1000Views)} (new meter)`,
        value: `${count(now.commandsPer1000Views)} (today ${count(today.commandsPer1000Views)})`,
        pass: now.commandsPer1000Views <= GOALS.commandsPer1000Views,
      },
      {
        name: `${channel}: dollars per million anonymous views ≤ $${fixed(GOALS.dollarsPerMillionViews, 2)} (new meter)`,
        value: `$${fixed(now.dollarsPerMillionViews, 2)} (today $${fixed(today.dollarsPerMillionViews, 2)})`,
        pass: now.dollarsPerMillionViews <= GOALS.dollarsPerMillionViews,
      },
      {
        name: `${channel}: Redis keys only for readers who came back (new meter)`,
        value:
          `${count(now.keysCreated)} keys for ${count(stats.returningReaders)} returning of ` +
          `${count(stats.readers)} readers (today ${count(today.keysCreated)})`,
        pass: now.keysCreated <= stats.returningReaders,
      },
    );
  }
  for (const mode of MODES) {
    const outcomes = CHANNELS.map((c) => [c, modes[mode.key][c].replay] as const);
    const more = outcomes.map(([c, o]) => `${c} ${o.grantedMore}`).join(', ');
    const most = Math.max(...outcomes.map(([, o]) => o.maxDistinctGranted));
    goals.push(
      {
        name: `${mode.config}: no reader granted more than a Redis-only meter (${limit} articles)`,
        value: `readers granted more: ${more}; most articles granted to one reader ${most}`,
        pass: outcomes.every(([, o]) => o.grantedMore === 0) && most <= limit,
      },
      {
        name: `${mode.config}: no reader walled before a Redis-only meter would`,
        value: `readers granted fewer: ${outcomes.map(([c, o]) => `${c} ${o.grantedFewer}`).join(', ')}`,
        pass: outcomes.every(([, o]) => o.grantedFewer === 0),
      },
      {
        name: `${mode.config}: every view answered with a decision`,
        value: `failures: ${outcomes.map(([c, o]) => `${c} ${o.failures}`).join(', ')}`,
        pass: outcomes.every(([, o]) => o.failures === 0),
      },
    );
  }
  return goals;
}

/** A whole number as printed; `n/a` for a figure an older results file does not have. */
export const count = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
