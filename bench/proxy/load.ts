import autocannon from 'autocannon';
import type { CpuMeter, CpuPerRequest } from '../access/cpu-groups';
import { readProc } from '../support/cpu';
import { answerTally, type LoadCounts } from '../support/load';
import { gatedPage, type PageCheck, returningPage, rewrittenPage, untouchedPage } from './checks';
import {
  articleUrlPath,
  GATE_PREFIX,
  PASSTHROUGH_PREFIX,
  READER_COOKIE,
  REDIS_FLOOR_PREFIX,
} from './shared';

/**
 * One load run of one scenario with autocannon: the same GET of the same origin page through
 * the rewriting proxy, through the gate without rewriting, or through one of the two floors
 * (bench/proxy/worker.ts). Every body is checked. Two kinds of reader:
 *   - no cookie (rewrite, gate): every request is a new reader's first read; the worker signs
 *     a reader id and carries the first read in it (src/meter/carried.ts): no Redis command.
 *     Its floor is the ungated pass-through.
 *   - a returning reader (returning): each request sends one of a pool of reader ids with no
 *     carried state whose article is already counted in Redis (bench/proxy/readers.ts), so
 *     the meter script runs once (`already_read`) and the page is rewritten with the live
 *     prompt. Its floor is the same page passed through after one bare Redis call.
 */
export interface Scenario {
  key: 'rewrite' | 'returning' | 'gate' | 'redisFloor' | 'passthrough';
  label: string;
  path: (kb: number) => string;
  check: PageCheck;
  /** Sends a returning reader's cookie, drawn per request from the pool. */
  returning?: boolean;
}

export const SCENARIOS: Scenario[] = [
  {
    key: 'rewrite',
    label: 'rewrite (granted, metered: notice + prompt)',
    path: articleUrlPath,
    check: rewrittenPage,
  },
  {
    key: 'returning',
    label: 'returning reader: meter in Redis, rewritten (prompt)',
    path: articleUrlPath,
    check: returningPage,
    returning: true,
  },
  {
    key: 'gate',
    label: 'reference: decision, page passed through',
    path: (kb) => `${GATE_PREFIX}${articleUrlPath(kb)}`,
    check: gatedPage,
  },
  {
    key: 'redisFloor',
    label: 'floor: one bare Redis call, page passed through',
    path: (kb) => `${REDIS_FLOOR_PREFIX}${articleUrlPath(kb)}`,
    check: untouchedPage,
  },
  {
    key: 'passthrough',
    label: 'floor: same page passed through, no gating',
    path: (kb) => `${PASSTHROUGH_PREFIX}${articleUrlPath(kb)}`,
    check: untouchedPage,
  },
];

export interface LoadRun extends LoadCounts {
  scenario: Scenario['key'];
  round: number;
  /** Origin requests per answered request: 1 = every page came from the origin (no edge cache). */
  originPerRequest: number;
  /** CPU per request by process, µs, plus the demo origin's. */
  cpu: CpuPerRequest & { origin: number };
}

export async function runLoad(
  baseUrl: string,
  scenario: Scenario,
  opts: {
    kb: number;
    connections: number;
    seconds: number;
    round: number;
    cpu: CpuMeter;
    origin: { pid: number; requests: () => Promise<number> };
    /** Signed reader ids whose article is already counted in Redis. */
    readers: string[];
  },
): Promise<LoadRun> {
  const answers = answerTally();
  const originBefore = await opts.origin.requests();
  const originCpuBefore = readProc(opts.origin.pid)?.cpuMs ?? 0;
  // identity: what workerd made, byte for byte; compression is the edge's job (see run.ts).
  const headers = { 'accept-encoding': 'identity' };
  const readers = opts.readers;
  if (scenario.returning && readers.length === 0) throw new Error('no returning readers');
  const stopCpu = opts.cpu.start();
  const result = await autocannon({
    url: baseUrl,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    headers,
    requests: [
      {
        method: 'GET',
        path: scenario.path(opts.kb),
        ...(scenario.returning
          ? {
              setupRequest: (req: autocannon.Request) => ({
                ...req,
                headers: {
                  ...headers,
                  cookie: `${READER_COOKIE}=${readers[Math.floor(Math.random() * readers.length)]}`,
                },
              }),
            }
          : {}),
        onResponse: (status, body, _context, headers) =>
          answers.record(status, () => scenario.check(body, header(headers, 'paywall-decision'))),
      },
    ],
  });
  const cpu = stopCpu(result.requests.total);
  const originRequests = (await opts.origin.requests()) - originBefore;
  const originCpuMs = (readProc(opts.origin.pid)?.cpuMs ?? 0) - originCpuBefore;
  const answered = Math.max(1, result.requests.total);
  return {
    scenario: scenario.key,
    round: opts.round,
    ...answers.counts(result),
    originPerRequest: originRequests / answered,
    cpu: { ...cpu, origin: (originCpuMs * 1000) / answered },
  };
}

/** autocannon passes raw header names, in whatever case the server sent them. */
function header(headers: unknown, name: string): string | undefined {
  for (const [key, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}
