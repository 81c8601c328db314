import { Agent } from 'node:http';
import { median } from '../support/format';
import { type MemoryPeak, watchMemory } from '../support/memory';
import { sleep } from '../support/net';
import { type TimedResponse, timedGet } from '../support/timed-get';
import { type PageCheck, rewrittenPage, untouchedPage } from './checks';
import { articleUrlPath, PASSTHROUGH_PREFIX } from './shared';

/**
 * Time to first byte, time to `<body`, total time and workerd's peak memory for 10 KB, 1 MB
 * and 5 MB pages, with a raw node:http client (keep-alive, so no connection set-up is
 * timed), one request at a time. Four paths:
 *   origin       node → demo origin directly: what the origin itself takes;
 *   passthrough  through workerd, untouched (the floor);
 *   rewrite      the real proxy: a new reader's metered read, rewritten (the measured path);
 *   +gzip        pass-through and rewrite accepting gzip: miniflare compresses text/html
 *                inside workerd the way Cloudflare's edge does after the worker; shown, not
 *                judged (deflate holds output until a block fills, which on the bench
 *                article's repetitive text takes hundreds of KB).
 * Two phases:
 *   memory  per path and size in turn, small to large, pass-through before rewrite, so a
 *           heap the rewrite grew is not already there when the floor is read; the 10 KB
 *           batch is the baseline for growth;
 *   timing  rounds that interleave every path and size, so the noise of a shared machine
 *           (other people's tests) lands on 10 KB and 5 MB alike; medians of rounds.
 */
export const SIZES_KB = [10, 1024, 5120] as const;
export type StreamPath = 'origin' | 'passthrough' | 'rewrite' | 'passthrough+gzip' | 'rewrite+gzip';
export const BODY_MARK = '<body';

export interface StreamRow {
  path: StreamPath;
  kb: number;
  /** Timed requests (one per round). */
  runs: number;
  bytes: number;
  headersMs: number;
  ttfbMs: number;
  /** Time until `<body` arrived: the first byte of the visible page (after JSON-LD, hydration). */
  bodyTagMs: number;
  totalMs: number;
  ttfbAllMs: number[];
  totalAllMs: number[];
  failures: string[];
  /** workerd's peak memory during this size's memory batch; absent where not measured. */
  memory?: { runs: number; worker: MemoryPeak; proxy: MemoryPeak };
}

const ROUNDS = 9;
const MEMORY_RUNS: Record<number, number> = { 10: 5, 1024: 3, 5120: 5 };
/** Between timed requests: lets the last response's teardown finish outside the next timing. */
const PAUSE_MS = 20;

interface PathSpec {
  path: StreamPath;
  url: (kb: number) => string;
  headers: Record<string, string>;
  check: PageCheck | 'gzip';
  memory: boolean;
}

export async function measureStreaming(opts: {
  workerUrl: string;
  originUrl: string;
  pids: { worker: number; proxy: number };
}): Promise<StreamRow[]> {
  const identity = { 'accept-encoding': 'identity' };
  const paths: PathSpec[] = [
    {
      path: 'origin',
      url: (kb) => `${opts.originUrl}${articleUrlPath(kb)}`,
      headers: identity,
      check: untouchedPage,
      memory: false,
    },
    {
      path: 'passthrough',
      url: (kb) => `${opts.workerUrl}${PASSTHROUGH_PREFIX}${articleUrlPath(kb)}`,
      headers: identity,
      check: untouchedPage,
      memory: true,
    },
    {
      path: 'rewrite',
      url: (kb) => `${opts.workerUrl}${articleUrlPath(kb)}`,
      headers: identity,
      check: rewrittenPage,
      memory: true,
    },
    {
      path: 'passthrough+gzip',
      url: (kb) => `${opts.workerUrl}${PASSTHROUGH_PREFIX}${articleUrlPath(kb)}`,
      headers: { 'accept-encoding': 'gzip' },
      check: 'gzip',
      memory: false,
    },
    {
      path: 'rewrite+gzip',
      url: (kb) => `${opts.workerUrl}${articleUrlPath(kb)}`,
      headers: { 'accept-encoding': 'gzip' },
      check: 'gzip',
      memory: false,
    },
  ];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // The origin sizes a large page once (tools/demo-origin/bench.ts); do that outside the
    // timings, straight at the origin so workerd's heap is untouched. Then warm the worker
    // (JIT, isolate, connections) with small pages only.
    for (const kb of SIZES_KB)
      await timedGet(paths[0]?.url(kb) ?? '', { agent, headers: identity });
    for (const spec of paths)
      for (let i = 0; i < 3; i++) await timedGet(spec.url(10), { agent, headers: spec.headers });

    const memory = new Map<string, StreamRow['memory']>();
    const failures = new Map<string, string[]>();
    const key = (spec: PathSpec, kb: number) => `${spec.path} ${kb}`;
    const fail = (k: string, why: string[]) =>
      failures.set(k, [...(failures.get(k) ?? []), ...why]);
    for (const spec of paths.filter((p) => p.memory)) {
      for (const kb of SIZES_KB) {
        const runs = MEMORY_RUNS[kb] ?? 3;
        const stopWorker = watchMemory(opts.pids.worker);
        const stopProxy = watchMemory(opts.pids.proxy);
        for (let i = 0; i < runs; i++)
          fail(key(spec, kb), checked(spec, await get(spec, kb, agent)));
        memory.set(key(spec, kb), { runs, worker: stopWorker(), proxy: stopProxy() });
      }
    }

    const timings = new Map<string, TimedResponse[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const spec of paths) {
        for (const kb of SIZES_KB) {
          const r = await get(spec, kb, agent);
          fail(key(spec, kb), checked(spec, r));
          delete r.body; // checked; 5 MB bodies need not stay in memory
          timings.set(key(spec, kb), [...(timings.get(key(spec, kb)) ?? []), r]);
          await sleep(PAUSE_MS);
        }
      }
    }
    return paths.flatMap((spec) =>
      SIZES_KB.map((kb) =>
        summarise(
          spec,
          kb,
          timings.get(key(spec, kb)) ?? [],
          failures.get(key(spec, kb)) ?? [],
          memory.get(key(spec, kb)),
        ),
      ),
    );
  } finally {
    agent.destroy();
  }
}

function get(spec: PathSpec, kb: number, agent: Agent): Promise<TimedResponse> {
  return timedGet(spec.url(kb), {
    agent,
    headers: spec.headers,
    keepBody: spec.check !== 'gzip',
    marks: [BODY_MARK],
  });
}

/** What is wrong with one answer; empty when nothing is. */
function checked(spec: PathSpec, r: TimedResponse): string[] {
  const decision = r.headers['paywall-decision'];
  const decisionText = Array.isArray(decision) ? decision[0] : decision;
  if (r.status !== 200) return [`HTTP ${r.status}`];
  if (spec.check === 'gzip') {
    const wrong: string[] = [];
    if (r.headers['content-encoding'] !== 'gzip') wrong.push('not gzip-encoded');
    const expected = spec.path === 'rewrite+gzip' ? 'granted; reason=metered' : undefined;
    if (decisionText !== expected) wrong.push(decisionText ?? 'no decision');
    return wrong;
  }
  const { label, ok } = spec.check(r.body ?? '', decisionText);
  return ok ? [] : [label];
}

function summarise(
  spec: PathSpec,
  kb: number,
  results: TimedResponse[],
  failures: string[],
  memory: StreamRow['memory'],
): StreamRow {
  const m = (pick: (r: TimedResponse) => number) => median(results.map(pick));
  return {
    path: spec.path,
    kb,
    runs: results.length,
    bytes: m((r) => r.bytes),
    headersMs: m((r) => r.headersMs),
    ttfbMs: m((r) => r.ttfbMs),
    // gzip hides the markup; the marker can only be read on identity bodies.
    bodyTagMs: spec.check === 'gzip' ? Number.NaN : m((r) => r.marks[BODY_MARK] ?? Number.NaN),
    totalMs: m((r) => r.totalMs),
    ttfbAllMs: results.map((r) => r.ttfbMs),
    totalAllMs: results.map((r) => r.totalMs),
    failures,
    ...(memory ? { memory } : {}),
  };
}
