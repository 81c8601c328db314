import type { ScriptRunner } from '../redis/client';
import { DeadlineExceeded, withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';
import type { MeterConfig } from './config';
import { currentPeriod, rollingResetsAt } from './period';
import { ADOPT_METER_SCRIPT, CALENDAR_METER_SCRIPT, ROLLING_METER_SCRIPT } from './scripts';

export type MeterOutcome = 'counted' | 'available' | 'already_read' | 'exhausted';

/**
 * Degraded mode is part of the return type (docs/architecture.md convention 9): callers must
 * handle it.
 */
export type MeterResult =
  | {
      ok: true;
      outcome: MeterOutcome;
      used: number;
      limit: number;
      resetsAt: Date;
      /** The whole counted set, when asked for (`members`) and the reader is at the limit. */
      members?: string[] | undefined;
    }
  | { ok: false; failure: 'timeout' | 'unavailable' };

/** A read with an account session can also find the session ended: nothing was counted. */
export type AccountMeterResult = MeterResult | { ok: false; failure: 'signed_out' };

export interface Meter {
  /**
   * Count (or, with consume false, peek at) one read of `articleId` by `subject`, against
   * `limit` when given (a registered reader's higher limit), else the configured one. With
   * `session`, only while that account session still names `accountKey` (checked in the same
   * script); else `signed_out`, and nothing is counted. `pending` (calendar month only) is a
   * first read the reader's id carried, recorded before the count; `members` asks for the
   * counted set with an answer at the limit, unless it has as many members as the id already
   * knows of (`without` this article for a refusal, `with` it otherwise: src/meter/carried.ts).
   */
  read(
    subject: string,
    articleId: string,
    opts: {
      consume: boolean;
      now: Date;
      limit?: number;
      session?: { sessionId: string; accountKey: string } | undefined;
      pending?: string | undefined;
      members?: { without: number; with: number } | undefined;
    },
  ): Promise<AccountMeterResult>;
  /**
   * Adds `from`'s reads in the current window to `to`'s (a reader registering carries the
   * browser's count into the account), and `pending`, a first read the browser's id still
   * carried (src/meter/carried.ts). Throws when Redis fails: the caller decides.
   */
  adopt(from: string, to: string, now: Date, pending?: string): Promise<void>;
}

const calendarScript = defineScript(CALENDAR_METER_SCRIPT);
const rollingScript = defineScript(ROLLING_METER_SCRIPT);
const adoptScript = defineScript(ADOPT_METER_SCRIPT);

export function createRedisMeter(deps: {
  redis: ScriptRunner;
  keys: RedisKeys;
  meter: MeterConfig;
  timeoutMs: number;
}): Meter {
  const { window } = deps.meter;
  return {
    async adopt(from, to, now, pending) {
      const period = currentPeriod(window, now);
      const args =
        period.kind === 'calendar-month'
          ? ['calendar', period.resetsAt.getTime(), now.getTime(), pending ?? '']
          : ['rolling', period.windowMs, now.getTime()];
      await withDeadline(
        adoptScript.run(
          deps.redis,
          [deps.keys.meter(period.id, from), deps.keys.meter(period.id, to)],
          args,
        ),
        deps.timeoutMs,
      );
    },
    async read(subject, articleId, opts) {
      const { consume, now, limit = deps.meter.limit, session } = opts;
      const period = currentPeriod(window, now);
      const keys = [deps.keys.meter(period.id, subject)];
      const guard: string[] = [];
      if (session) {
        keys.push(deps.keys.accountSession(session.sessionId));
        guard.push(session.accountKey);
      }
      const run =
        period.kind === 'calendar-month'
          ? calendarScript.run(deps.redis, keys, [
              articleId,
              limit,
              consume ? 1 : 0,
              period.resetsAt.getTime(),
              opts.pending ?? '',
              opts.members?.without ?? -1,
              opts.members?.with ?? -1,
              ...guard,
            ])
          : rollingScript.run(deps.redis, keys, [
              articleId,
              limit,
              consume ? 1 : 0,
              now.getTime(),
              period.windowMs,
              ...guard,
            ]);
      let raw: unknown;
      try {
        raw = await withDeadline(run, deps.timeoutMs);
      } catch (error) {
        return {
          ok: false,
          failure: error instanceof DeadlineExceeded || isAbort(error) ? 'timeout' : 'unavailable',
        };
      }
      if (session && Array.isArray(raw) && raw[0] === 'signed_out') {
        return { ok: false, failure: 'signed_out' };
      }
      const parsed = parseReply(raw);
      if (!parsed) return { ok: false, failure: 'unavailable' };
      const resetsAt =
        period.kind === 'calendar-month'
          ? period.resetsAt
          : rollingResetsAt(parsed.oldestMs || null, period.windowMs, now);
      return {
        ok: true,
        outcome: parsed.outcome,
        used: parsed.used,
        limit,
        resetsAt,
        members: parsed.members,
      };
    },
  };
}

const OUTCOMES: ReadonlySet<string> = new Set<MeterOutcome>([
  'counted',
  'available',
  'already_read',
  'exhausted',
]);

/** The script's reply crosses a network boundary: check its shape rather than trust it. */
function parseReply(
  raw: unknown,
): { outcome: MeterOutcome; used: number; oldestMs: number; members?: string[] } | null {
  if (!Array.isArray(raw) || (raw.length !== 3 && raw.length !== 4)) return null;
  const [outcome, used, oldestMs, members] = raw as unknown[];
  if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) return null;
  const usedN = Number(used);
  const oldestN = Number(oldestMs);
  if (!Number.isInteger(usedN) || usedN < 0 || !Number.isFinite(oldestN)) return null;
  const parsed = { outcome: outcome as MeterOutcome, used: usedN, oldestMs: oldestN };
  if (members === undefined) return parsed;
  if (!Array.isArray(members) || !members.every((m) => typeof m === 'string')) return null;
  return { ...parsed, members: members as string[] };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
