import { newReader, predictRead, type ReaderModel } from '../../tests/soak/model';
import type { MonitorLine } from '../access/monitor';
import { type Call, splitCalls } from './calls';
import { type Counters, countedSince, countersAfter } from './counters';
import { articleId, type ReaderPlan } from './mix';
import { type Channel, type ReplayOutcome, replay } from './replay';
import { countKeys, type ModeStack } from './stack';

/**
 * One channel of one mode, counted at redis-server with MONITOR (bench/access/monitor.ts):
 * every line under the mode's prefix or from its upstash-local's connections, Lua-internal
 * commands included, from the first view to a barrier after the last. Keys are counted by
 * SCAN before and after, so what the channel created is the difference.
 *
 * The publisher's counters are read back at the end of the window (GET /_paywall/v1/stats),
 * which makes the isolate send its last batch: that flush is counted with the traffic (a
 * later request would have sent it), the read itself is not (bench/traffic/calls.ts). The
 * counters' commands are watched apart (a `counters` watch of bench/access/monitor.ts).
 */
export interface ChannelMeasure {
  replay: ReplayOutcome;
  /** Every command Redis ran (what Upstash bills), Lua-internal ones included. */
  commands: number;
  /** Commands from a client: one per request the worker made to Upstash. */
  roundTrips: number;
  /** Of `commands`: those of the stats flushes (issue 15). */
  flushCommands: number;
  /** Of `roundTrips`: the stats flushes, made after a response and on no reader's path. */
  flushRoundTrips: number;
  /** EVALs of a script whose EVALSHA missed (NOSCRIPT): 0 after the warm-up. */
  evalFallbacks: number;
  /** Commands by name: upper case from a client, lower case inside a script. */
  commandMix: Record<string, number>;
  /**
   * Round trips by what they ran, e.g. `EVALSHA scard sadd pexpireat`: a script runs
   * atomically, so its commands follow its EVALSHA in MONITOR's feed with nothing between.
   */
  callShapes: Record<string, number>;
  /** Keys the replay left under the prefix, by kind (`meter`, …). */
  keysCreated: Record<string, number>;
  /** Views the publisher's counters gained over the replay, by outcome (none when off). */
  counted: Counters;
}

/**
 * `counters` are the publisher's counters before the channel (`readCounters` after the
 * warm-up, then what the previous channel returned); the ones after it are returned with it.
 */
export async function measureChannel(
  channel: Channel,
  stack: ModeStack,
  plans: ReaderPlan[],
  concurrency: number,
  counters: Counters,
): Promise<{ measure: ChannelMeasure; counters: Counters }> {
  const before = await countKeys(stack);
  const fallbacksBefore = stack.monitor.evalFallbacks;
  let outcome: ReplayOutcome | undefined;
  let countersNow: Counters | undefined;
  let lines: MonitorLine[] = [];
  // Both windows end after the counters were read back: every flush has landed by then.
  const counterLines = await stack.counterMonitor.measure(async () => {
    lines = await stack.monitor.measure(async () => {
      outcome = await replay(channel, stack.url, plans, concurrency);
      const expected = stack.statsEnabled ? outcome.views : 0;
      countersNow = await countersAfter(stack.url, counters, expected);
    });
  });
  if (!outcome || !countersNow) throw new Error(`${channel}: the replay returned nothing`);
  const after = await countKeys(stack);
  const keysCreated: Record<string, number> = {};
  for (const kind of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const n = (after[kind] ?? 0) - (before[kind] ?? 0);
    if (n !== 0) keysCreated[kind] = n;
  }
  // The counters' commands are taken from their own watcher only (RedisMonitor leaves them
  // out; should it stop, they are not counted twice). One naming a `stats:` key that is not a
  // flush is counted as on a reader's path: the conservative reading.
  const calls = [
    ...splitCalls(lines).filter((call) => call.kind === 'reader'),
    ...splitCalls(counterLines).filter((call) => call.kind !== 'stats-read'),
  ];
  const billed = calls.flatMap((call) => call.lines);
  const flushes = calls.filter((call) => call.kind === 'flush');
  const measure: ChannelMeasure = {
    replay: outcome,
    commands: billed.length,
    roundTrips: billed.filter((l) => l.source !== 'lua').length,
    flushCommands: flushes.reduce((n, call) => n + call.lines.length, 0),
    flushRoundTrips: flushes.length,
    evalFallbacks: stack.monitor.evalFallbacks - fallbacksBefore,
    commandMix: commandMix(billed),
    callShapes: callShapes(calls),
    keysCreated,
    counted: countedSince(counters, countersNow),
  };
  return { measure, counters: countersNow };
}

/** Upper case from a client, lower case inside a script (as the access bench prints them). */
const label = (line: MonitorLine) => {
  const name = line.args[0] ?? '?';
  return line.source === 'lua' ? name.toLowerCase() : name.toUpperCase();
};

function commandMix(lines: MonitorLine[]): Record<string, number> {
  const mix: Record<string, number> = {};
  for (const line of lines) mix[label(line)] = (mix[label(line)] ?? 0) + 1;
  return mix;
}

/** A stats flush's shape is marked as one: `stats flush: EVALSHA hmget hset`. */
function callShapes(calls: Call[]): Record<string, number> {
  const shapes: Record<string, number> = {};
  for (const call of calls) {
    const shape = `${call.kind === 'flush' ? 'stats flush: ' : ''}${call.lines.map(label).join(' ')}`;
    shapes[shape] = (shapes[shape] ?? 0) + 1;
  }
  return shapes;
}

/**
 * One reader through both channels before anything is counted: five articles, re-reads and
 * walled reads, so every script the meter runs is loaded at redis-server (a first EVALSHA
 * misses and falls back to EVAL) and the worker's isolate is warm. Then the publisher's
 * counters are read, which flushes the warm-up's counts (loading the stats scripts, and
 * making the day's hash and walled-readers log before any channel): the counters returned
 * are the first channel's `before`.
 */
export async function warmUp(stack: ModeStack, limit: number): Promise<Counters> {
  // Ranks past the mix's articles: the warm-up never touches an article the replay reads.
  const articles = [1, 2, 1, 3, 4, 5, 2, 4].map((n) => articleId(900_000 + n));
  let model: ReaderModel = newReader();
  const views = articles.map((article) => {
    const expected = predictRead(model, article, limit);
    if (expected === 'metered') model = { counted: [...model.counted, article] };
    return { article, expected };
  });
  const plan: ReaderPlan = { views, returning: true, walled: true, cameBackAfterWall: true };
  for (const channel of ['proxy', 'access'] as const) {
    const outcome = await replay(channel, stack.url, [plan], 1);
    if (outcome.failures > 0) {
      throw new Error(`warm-up through the ${channel} failed: ${JSON.stringify(outcome.reasons)}`);
    }
  }
  return await countersAfter(stack.url, {}, stack.statsEnabled ? 2 * views.length : 0);
}
