import { CALENDAR_METER_SCRIPT } from '../../src/meter/scripts';
import { type AccessAnswer, issueReaders, postAccess } from './api';
import { METER_SCRIPT_SHA, type MonitorLine, type RedisMonitor } from './monitor';

/**
 * The Redis work of one anonymous decision, case by case, counted by MONITOR. Every case
 * but the first runs in a window that has already begun (the reader has read before this
 * month), which is the steady state; the first read of a window is reported on its own
 * because it also sets the set's expiry (one PEXPIREAT, by design).
 * Each case runs REPEAT times with different readers; a case whose counts vary says so.
 */
export interface RedisCase {
  name: string;
  expectedReason: string;
  /** The commands goal (≤ 3) applies only when the window has already begun. */
  windowBegun: boolean;
  reasons: string[];
  roundTrips: number;
  commands: number;
  /** e.g. "EVALSHA SCARD SADD", Lua-internal commands in lower case. */
  commandList: string;
  consistent: boolean;
  evalFallback: boolean;
  evalshaOfMeterScript: boolean;
}

export interface RedisWorkResult {
  cases: RedisCase[];
  /** An EVAL of the meter script during warm-up (expected at most once on a fresh server). */
  warmupFallbacks: number;
  scriptPreloaded: boolean;
}

const REPEAT = 3;

type Step = { article: string; measured?: { name: string; reason: string; begun: boolean } };

/** What one reader does, in order: priming reads, and the reads that are measured. */
const SCRIPT: Step[] = [
  { article: 'a1', measured: { name: 'first read of a window', reason: 'metered', begun: false } },
  { article: 'a2', measured: { name: 'new article (metered)', reason: 'metered', begun: true } },
  {
    article: 'a1',
    measured: { name: 're-read (already_read)', reason: 'already_read', begun: true },
  },
  { article: 'a3' }, // now at the limit of 3
  {
    article: 'a4',
    measured: { name: 'new article at limit', reason: 'meter_exhausted', begun: true },
  },
  { article: 'a2', measured: { name: 're-read at limit', reason: 'already_read', begun: true } },
];

export async function measureRedisWork(
  baseUrl: string,
  monitor: RedisMonitor,
): Promise<RedisWorkResult> {
  // Load the script so the first EVALSHA hits; then one warm-up decision, whose fallback
  // (if the preload somehow did not take) is reported but not counted as a case.
  const loaded = await monitor.redis.script('LOAD', CALENDAR_METER_SCRIPT);
  const readers = await issueReaders(baseUrl, REPEAT + 1);
  const [warm = '', ...measuredReaders] = readers;
  await monitor.measure(async () => {
    await postAccess(baseUrl, 'warm', warm);
  });
  const warmupFallbacks = monitor.evalFallbacks;

  const samples = new Map<string, { step: NonNullable<Step['measured']>; runs: Run[] }>();
  for (const reader of measuredReaders) {
    for (const step of SCRIPT) {
      if (!step.measured) {
        await postAccess(baseUrl, step.article, reader);
        continue;
      }
      let answer: AccessAnswer | undefined;
      const before = monitor.evalFallbacks;
      const lines = await monitor.measure(async () => {
        answer = await postAccess(baseUrl, step.article, reader);
      });
      const entry = samples.get(step.measured.name) ?? { step: step.measured, runs: [] };
      entry.runs.push({
        lines,
        reason: answer?.reason ?? '?',
        fallback: monitor.evalFallbacks > before,
      });
      samples.set(step.measured.name, entry);
    }
  }
  return {
    cases: [...samples.values()].map(({ step, runs }) => summarise(step, runs)),
    warmupFallbacks,
    scriptPreloaded: loaded === METER_SCRIPT_SHA,
  };
}

type Run = { lines: MonitorLine[]; reason: string; fallback: boolean };

function summarise(step: NonNullable<Step['measured']>, runs: Run[]): RedisCase {
  const counts = runs.map(({ lines }) => ({
    roundTrips: lines.filter((l) => l.source !== 'lua').length,
    commands: lines.length,
    list: lines.map(describe).join(' '),
  }));
  const worst = counts.reduce((a, b) =>
    b.commands > a.commands || b.roundTrips > a.roundTrips ? b : a,
  );
  return {
    name: step.name,
    expectedReason: step.reason,
    windowBegun: step.begun,
    reasons: runs.map((r) => r.reason),
    roundTrips: Math.max(...counts.map((c) => c.roundTrips)),
    commands: Math.max(...counts.map((c) => c.commands)),
    commandList: worst.list,
    consistent: counts.every((c) => c.list === counts[0]?.list),
    evalFallback: runs.some((r) => r.fallback),
    evalshaOfMeterScript: runs.every(({ lines }) =>
      lines.some((l) => l.args[0]?.toUpperCase() === 'EVALSHA' && l.args[1] === METER_SCRIPT_SHA),
    ),
  };
}

/** Client commands in upper case, Lua-internal ones in lower case, in the order Redis ran them. */
function describe(line: MonitorLine): string {
  const name = line.args[0] ?? '?';
  return line.source === 'lua' ? name.toLowerCase() : name.toUpperCase();
}
