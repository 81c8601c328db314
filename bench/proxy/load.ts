import autocannon from 'autocannon';
import type { CpuMeter, CpuPerRequest } from '../access/cpu-groups';
import { readProc } from '../support/cpu';
import { answerTally, type LoadCounts } from '../support/load';
import { gatedPage, type PageCheck, rewrittenPage, untouchedPage } from './checks';
import { articleUrlPath, GATE_PREFIX, PASSTHROUGH_PREFIX } from './shared';

/**
 * One load run of one scenario with autocannon: the same GET of the same origin page, with
 * no cookie, through the rewriting proxy, through the gate without rewriting, or through the
 * pass-through floor (bench/proxy/worker.ts). No cookie means
 * every request is a new reader's first read: the worker signs a reader id, runs the meter
 * script once (granted, `metered`), and rewrites the page with the meter notice, the live
 * prompt and the paywall JSON-LD; a returning reader would send a cookie and pay an HMAC
 * check instead of a signature, with the same one meter call. Every body is checked.
 */
export interface Scenario {
  key: 'rewrite' | 'gate' | 'passthrough';
  label: string;
  path: (kb: number) => string;
  check: PageCheck;
}

export const SCENARIOS: Scenario[] = [
  {
    key: 'rewrite',
    label: 'rewrite (granted, metered: notice + prompt)',
    path: articleUrlPath,
    check: rewrittenPage,
  },
  {
    key: 'gate',
    label: 'reference: decision, page passed through',
    path: (kb) => `${GATE_PREFIX}${articleUrlPath(kb)}`,
    check: gatedPage,
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
  },
): Promise<LoadRun> {
  const answers = answerTally();
  const originBefore = await opts.origin.requests();
  const originCpuBefore = readProc(opts.origin.pid)?.cpuMs ?? 0;
  const stopCpu = opts.cpu.start();
  const result = await autocannon({
    url: baseUrl,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    // identity: what workerd made, byte for byte; compression is the edge's job (see run.ts).
    headers: { 'accept-encoding': 'identity' },
    requests: [
      {
        method: 'GET',
        path: scenario.path(opts.kb),
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
