import { statsConfigSchema } from '../../src/stats/config';
import { fixed, type Goal } from '../support/format';
import { type Counters, sameCounts, total } from './counters';
import type { ChannelMeasure } from './measure';
import { CHANNELS, type Channel } from './replay';
import { COUNTING_OFF, MODES } from './stack';
import { count, type ModeResults } from './summary';

/** The counters' defaults (PAYWALL_CONFIG `stats`), as the worker takes them. */
const DEFAULT_STATS = statsConfigSchema.parse({});

/**
 * What counting the publisher's funnel costs (issue 15): the new meter replayed with
 * `stats.enabled` on (the `cookie` mode, as deployed) and off, everything else equal, over the
 * same views. Pure: the report only prints. The cost is the difference in billed commands;
 * the flushes' own commands (told apart at MONITOR, bench/traffic/calls.ts) must account for
 * it, and the round trips a reader's request waits for must not change.
 */
export const COUNTING_GOAL = { addedCommandsPerView: 0.05 };

export interface CountingChannel {
  views: number;
  commandsOn: number;
  commandsOff: number;
  /** Of `commandsOn`: the stats flushes'. */
  flushCommands: number;
  /** Stats flushes: one round trip each, after a response. */
  flushes: number;
  /** Round trips on a reader's path: every round trip but the flushes. */
  readerRoundTripsOn: number;
  roundTripsOff: number;
  addedCommandsPerView: number;
  flushCommandsPerView: number;
  readerRoundTripsPerViewOn: number;
  roundTripsPerViewOff: number;
  /** The replay's answers by outcome, and the views the counters gained by outcome. */
  replayed: Counters;
  counted: Counters;
  /** With counting off: views counted and flush commands (both must be 0). */
  countedOff: number;
  flushCommandsOff: number;
}

export interface CountingResult {
  flushEvents: number;
  flushSeconds: number;
  on: string;
  off: string;
  channels: Record<Channel, CountingChannel>;
}

export function countingResult(
  on: Record<Channel, ChannelMeasure>,
  off: Record<Channel, ChannelMeasure>,
): CountingResult {
  const channels = {} as Record<Channel, CountingChannel>;
  for (const channel of CHANNELS) {
    const a = on[channel];
    const b = off[channel];
    const views = Math.max(1, a.replay.views);
    const readerRoundTripsOn = a.roundTrips - a.flushRoundTrips;
    channels[channel] = {
      views: a.replay.views,
      commandsOn: a.commands,
      commandsOff: b.commands,
      flushCommands: a.flushCommands,
      flushes: a.flushRoundTrips,
      readerRoundTripsOn,
      roundTripsOff: b.roundTrips,
      addedCommandsPerView: (a.commands - b.commands) / views,
      flushCommandsPerView: a.flushCommands / views,
      readerRoundTripsPerViewOn: readerRoundTripsOn / views,
      roundTripsPerViewOff: b.roundTrips / Math.max(1, b.replay.views),
      replayed: a.replay.reasons,
      counted: a.counted,
      countedOff: total(b.counted),
      flushCommandsOff: b.flushCommands,
    };
  }
  const cookie = MODES.find((m) => m.key === 'cookie');
  return {
    flushEvents: DEFAULT_STATS.flushEvents,
    flushSeconds: DEFAULT_STATS.flushSeconds,
    on: `${cookie?.config ?? 'cookieState: true'} (stats.enabled: true, the default)`,
    off: COUNTING_OFF.config,
    channels,
  };
}

/** The counting figures side by side per channel, shared by the console and the docs. */
export function countingRows(r: CountingResult): string[][] {
  const cells = CHANNELS.map((channel) => r.channels[channel]);
  const row = (label: string, value: (c: CountingChannel) => string) => [
    label,
    ...cells.map(value),
  ];
  return [
    row('anonymous views', (c) => count(c.views)),
    row(
      'billed commands, counting on / off',
      (c) => `${count(c.commandsOn)} / ${count(c.commandsOff)}`,
    ),
    row('billed commands per view added by counting', (c) => fixed(c.addedCommandsPerView, 4)),
    row('stats flush commands per view', (c) => fixed(c.flushCommandsPerView, 4)),
    row('stats flushes (one round trip each, after a response)', (c) => count(c.flushes)),
    row(
      'round trips per view on a reader’s path, on / off',
      (c) => `${fixed(c.readerRoundTripsPerViewOn, 4)} / ${fixed(c.roundTripsPerViewOff, 4)}`,
    ),
    row('views counted / replayed', (c) => `${count(total(c.counted))} / ${count(c.views)}`),
  ];
}

export function countingGoals(r: CountingResult, modes: ModeResults): Goal[] {
  const goals: Goal[] = [];
  for (const channel of CHANNELS) {
    const c = r.channels[channel];
    goals.push(
      {
        name:
          `${channel}: billed commands per view added by counting ≤ ${COUNTING_GOAL.addedCommandsPerView} ` +
          `(flushEvents ${r.flushEvents})`,
        value:
          `${fixed(c.addedCommandsPerView, 4)} (${count(c.commandsOn)} on − ${count(c.commandsOff)} off ` +
          `over ${count(c.views)} views; ${count(c.flushes)} flushes, ${count(c.flushCommands)} commands)`,
        pass: c.addedCommandsPerView <= COUNTING_GOAL.addedCommandsPerView,
      },
      {
        name: `${channel}: round trips per view on a reader’s path unchanged by counting`,
        value:
          `on ${fixed(c.readerRoundTripsPerViewOn, 4)} (${count(c.readerRoundTripsOn)}), ` +
          `off ${fixed(c.roundTripsPerViewOff, 4)} (${count(c.roundTripsOff)}); ` +
          `+ ${count(c.flushes)} flush round trips after responses`,
        pass: c.readerRoundTripsOn === c.roundTripsOff,
      },
    );
  }
  // Every configuration that counts must count exactly what was replayed.
  for (const mode of MODES) {
    for (const channel of CHANNELS) {
      const m = modes[mode.key][channel];
      goals.push({
        name: `${mode.config}, ${channel}: every view counted once, under its outcome`,
        value: `counted ${count(total(m.counted))} of ${count(m.replay.views)} views replayed`,
        pass: sameCounts(m.counted, m.replay.reasons),
      });
    }
  }
  const off = CHANNELS.map((channel) => r.channels[channel]);
  goals.push({
    name: `${COUNTING_OFF.config}: nothing counted, nothing flushed`,
    value:
      `views counted ${count(off.reduce((n, c) => n + c.countedOff, 0))}, ` +
      `flush commands ${count(off.reduce((n, c) => n + c.flushCommandsOff, 0))}`,
    pass: off.every((c) => c.countedOff === 0 && c.flushCommandsOff === 0),
  });
  return goals;
}
