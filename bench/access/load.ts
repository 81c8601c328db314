import autocannon from 'autocannon';
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

export interface LoadRun {
  scenario: Scenario['key'];
  round: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 200s whose body failed the scenario's check, e.g. a degraded decision. */
  badBodies: number;
  /** Answers by label: reasons, `HTTP 502`, `bad: degraded`… */
  tally: Record<string, number>;
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
  let badBodies = 0;
  const tally: Record<string, number> = {};
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
        onResponse: (status, body) => {
          // Non-2xx are counted by autocannon too; the tally says which status they were.
          const { label, ok } =
            status === 200 ? scenario.check(body) : { label: `HTTP ${status}`, ok: true };
          if (!ok) badBodies++;
          const key = ok ? label : `bad: ${label}`;
          tally[key] = (tally[key] ?? 0) + 1;
        },
      },
    ],
  });
  return {
    scenario: scenario.key,
    round: opts.round,
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    badBodies,
    tally,
    cpu: stopCpu(result.requests.total),
  };
}
