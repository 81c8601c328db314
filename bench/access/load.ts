import autocannon from 'autocannon';
import { answerTally, type LoadCounts } from '../support/load';
import { ACCESS_HEADERS, accessBody } from './api';
import type { CpuMeter, CpuPerRequest } from './cpu-groups';

/**
 * One load run of one scenario with autocannon. All scenarios send the same requests
 * (POST, same headers, a random reader × article body drawn from the same pool) and check
 * every answer the same way, so the client does identical work for each and only the
 * server's work differs. Answers are checked, not just counted: a fast bench that returned
 * errors, or decisions that fell back to `degraded`, would be measuring the wrong thing.
 */
export interface Scenario {
  key: 'decision' | 'subscriber' | 'redis' | 'constant';
  label: string;
  path: string;
  /** Labels one 200 body (e.g. the decision's reason) and says whether it is a valid answer. */
  check: (body: string) => { label: string; ok: boolean };
}

export interface LoadRun extends LoadCounts {
  scenario: Scenario['key'];
  round: number;
  /** CPU per request by process, µs (see cpu-groups.ts). */
  cpu: CpuPerRequest;
}

const REASON = /"reason":"([a-z_]+)"/;
const METERED_REASONS = new Set(['metered', 'already_read', 'meter_exhausted']);

export const SCENARIOS: Scenario[] = [
  {
    key: 'decision',
    label: 'decision (POST /_paywall/v1/access)',
    path: '/_paywall/v1/access',
    check: (body) => {
      const reason = REASON.exec(body)?.[1] ?? 'no reason';
      // `degraded` means the meter was not asked: a fast answer for the wrong reason.
      return { label: reason, ok: METERED_REASONS.has(reason) };
    },
  },
  {
    key: 'subscriber',
    label: 'subscriber decision (valid token)',
    path: '/_paywall/v1/access',
    check: (body) => {
      const reason = REASON.exec(body)?.[1] ?? 'no reason';
      return { label: reason, ok: reason === 'subscriber' };
    },
  },
  {
    key: 'redis',
    label: 'floor: one bare @upstash/redis call',
    path: '/__bench/redis',
    check: (body) => ({ label: 'ok', ok: body.startsWith('{"value":') }),
  },
  {
    key: 'constant',
    label: 'floor: constant JSON',
    path: '/__bench/constant',
    check: (body) => ({ label: 'ok', ok: body.includes('"constant"') }),
  },
];

/** Every reader × article body, built once so a request only picks one. */
export function buildBodies(readers: string[], articles: string[]): string[] {
  return readers.flatMap((reader) => articles.map((article) => accessBody(article, reader, true)));
}

export async function runLoad(
  baseUrl: string,
  scenario: Scenario,
  bodies: string[],
  opts: { connections: number; seconds: number; round: number; cpu: CpuMeter },
): Promise<LoadRun> {
  const answers = answerTally();
  const stopCpu = opts.cpu.start();
  const result = await autocannon({
    url: baseUrl,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    headers: ACCESS_HEADERS,
    requests: [
      {
        method: 'POST',
        path: scenario.path,
        setupRequest: (req) => ({
          ...req,
          body: bodies[Math.floor(Math.random() * bodies.length)],
        }),
        onResponse: (status, body) => answers.record(status, () => scenario.check(body)),
      },
    ],
  });
  return {
    scenario: scenario.key,
    round: opts.round,
    ...answers.counts(result),
    cpu: stopCpu(result.requests.total),
  };
}
