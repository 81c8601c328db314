import { createHash } from 'node:crypto';
import { FLUSH_SCRIPT, READ_SCRIPT } from '../../src/stats/scripts';
import type { MonitorLine } from '../access/monitor';

/**
 * MONITOR's lines as round trips: a client's command and the commands its script ran (a
 * script runs atomically, so its commands follow its EVALSHA with nothing between), each
 * told apart by what it is for:
 *   reader      the meter and everything else a reader's request waits for;
 *   flush       the publisher's counters leaving the isolate (src/stats/store.ts), after a
 *               response, in waitUntil: billed, but on no reader's path;
 *   stats-read  the bench's own read of the counters (GET /_paywall/v1/stats), not traffic.
 * Scripts are known by their SHA-1 (EVALSHA) or, for an EVAL fallback, by their first line,
 * which MONITOR prints as it is (it escapes only quotes, backslashes and control characters).
 */
export type CallKind = 'reader' | 'flush' | 'stats-read';

export interface Call {
  kind: CallKind;
  lines: MonitorLine[];
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const SCRIPTS: { kind: CallKind; sha: string; firstLine: string }[] = [
  { kind: 'flush', sha: sha1(FLUSH_SCRIPT), firstLine: firstLine(FLUSH_SCRIPT) },
  { kind: 'stats-read', sha: sha1(READ_SCRIPT), firstLine: firstLine(READ_SCRIPT) },
];

function firstLine(script: string): string {
  const line = script.split('\n').find((l) => l.trim() !== '');
  if (!line) throw new Error('a stats script is empty');
  return line.trim();
}

export function splitCalls(lines: readonly MonitorLine[]): Call[] {
  const calls: Call[] = [];
  for (const line of lines) {
    const last = calls[calls.length - 1];
    if (line.source === 'lua' && last) last.lines.push(line);
    else calls.push({ kind: kindOf(line), lines: [line] });
  }
  return calls;
}

function kindOf(line: MonitorLine): CallKind {
  const [name = '', script = ''] = line.args;
  if (/^EVALSHA(_RO)?$/i.test(name)) {
    return SCRIPTS.find((s) => s.sha === script.toLowerCase())?.kind ?? 'reader';
  }
  if (/^EVAL(_RO)?$/i.test(name)) {
    return SCRIPTS.find((s) => script.includes(s.firstLine))?.kind ?? 'reader';
  }
  return 'reader';
}
