import { newReader, predictRead, type ReaderModel } from '../../tests/soak/model';
import type { MonitorLine } from '../access/monitor';
import { articleId, type ReaderPlan } from './mix';
import { type Channel, type ReplayOutcome, replay } from './replay';
import { countKeys, type ModeStack } from './stack';

/**
 * One channel of one mode, counted at redis-server with MONITOR (bench/access/monitor.ts):
 * every line under the mode's prefix or from its upstash-local's connections, Lua-internal
 * commands included, from the first view to a barrier after the last. Keys are counted by
 * SCAN before and after, so what the channel created is the difference.
 */
export interface ChannelMeasure {
  replay: ReplayOutcome;
  /** Every command Redis ran (what Upstash bills), Lua-internal ones included. */
  commands: number;
  /** Commands from a client: one per request the worker made to Upstash. */
  roundTrips: number;
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
}

export async function measureChannel(
  channel: Channel,
  stack: ModeStack,
  plans: ReaderPlan[],
  concurrency: number,
): Promise<ChannelMeasure> {
  const before = await countKeys(stack);
  const fallbacksBefore = stack.monitor.evalFallbacks;
  let outcome: ReplayOutcome | undefined;
  const lines = await stack.monitor.measure(async () => {
    outcome = await replay(channel, stack.url, plans, concurrency);
  });
  if (!outcome) throw new Error(`${channel}: the replay returned nothing`);
  const after = await countKeys(stack);
  const keysCreated: Record<string, number> = {};
  for (const kind of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const n = (after[kind] ?? 0) - (before[kind] ?? 0);
    if (n !== 0) keysCreated[kind] = n;
  }
  return {
    replay: outcome,
    commands: lines.length,
    roundTrips: lines.filter((l) => l.source !== 'lua').length,
    evalFallbacks: stack.monitor.evalFallbacks - fallbacksBefore,
    commandMix: commandMix(lines),
    callShapes: callShapes(lines),
    keysCreated,
  };
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

function callShapes(lines: MonitorLine[]): Record<string, number> {
  const calls: string[][] = [];
  for (const line of lines) {
    if (line.source !== 'lua' || calls.length === 0) calls.push([label(line)]);
    else calls[calls.length - 1]?.push(label(line));
  }
  const shapes: Record<string, number> = {};
  for (const call of calls) shapes[call.join(' ')] = (shapes[call.join(' ')] ?? 0) + 1;
  return shapes;
}

/**
 * One reader through both channels before anything is counted: five articles, re-reads and
 * walled reads, so every script the meter runs is loaded at redis-server (a first EVALSHA
 * misses and falls back to EVAL) and the worker's isolate is warm.
 */
export async function warmUp(stack: ModeStack, limit: number): Promise<void> {
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
}
