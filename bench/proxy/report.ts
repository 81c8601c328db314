import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CPU_GROUPS } from '../access/cpu-groups';
import { fixed, type Goal, goalsTable, table, tallyMix } from '../support/format';
import { SCENARIOS } from './load';
import type { StreamRow } from './stream';
import { type LoadSummary, ourCpu, row } from './summary';

/** Everything one run measured; also written as JSON (bench/results/proxy.json). */
export interface ProxyBenchResult {
  bench: 'proxy';
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  code: { commit: string; srcDirty: boolean };
  config: {
    loadPageKb: number;
    connections: number;
    seconds: number;
    rounds: number;
    returningReaders: number;
    inspector: boolean;
    paywallConfig: unknown;
  };
  load: LoadSummary;
  stream: StreamRow[];
  goals: Goal[];
}

const mb = (kb: number) => fixed(kb / 1024, 1);
const size = (kb: number) => (kb >= 1024 ? `${kb / 1024} MB` : `${kb} KB`);

export function printReport(r: ProxyBenchResult): void {
  const load = r.load;
  const out: string[] = [
    '',
    `== proxy bench  ${r.date}  node ${r.node}  ${r.cpus} CPU (${r.cpuModel})  ` +
      `code ${r.code.commit}${r.code.srcDirty ? ' + uncommitted src/ changes' : ''}`,
    '',
    `Load: GET /bench/article?kb=${r.config.loadPageKb}, no cookie (each request a new reader's ` +
      `first read: no Redis command) or, for "returning", one of ${r.config.returningReaders} ` +
      'reader ids with no carried state whose read is counted in Redis (one meter call, ' +
      `already_read), accept-encoding identity, ${r.config.connections} connections, ` +
      `${r.config.rounds} interleaved rounds × ${r.config.seconds} s, median of rounds`,
    table(
      [
        'scenario',
        'req/s',
        'p50 ms',
        'p99 ms',
        'req/s per round',
        'requests',
        'failures',
        'origin fetches/req',
      ],
      SCENARIOS.map((s) => {
        const m = load.scenarios[s.key];
        return [
          s.label,
          fixed(m.rps),
          fixed(m.p50, 1),
          fixed(m.p99, 1),
          m.perRoundRps.map((v) => fixed(v)).join(' '),
          String(m.requests),
          String(m.failures),
          fixed(m.originPerRequest, 2),
        ];
      }),
    ),
    ...SCENARIOS.map((s) => `answers, ${s.key}: ${tallyMix(load.scenarios[s.key].tally)}`),
    '',
    "CPU per request by process, µs (median of rounds; redis-server is shared, machine = all cores, anyone's)",
    table(
      ['scenario', ...CPU_GROUPS, 'origin', 'ours', 'machine', 'busy cores'],
      SCENARIOS.map((s) => {
        const c = load.scenarios[s.key].cpu;
        return [
          s.key,
          ...CPU_GROUPS.map((g) => fixed(c[g])),
          fixed(c.origin),
          fixed(ourCpu(c)),
          fixed(c.machine),
          fixed(c.busyCores, 2),
        ];
      }),
    ),
    '',
    ...(
      [
        [
          'rewrite / pass-through',
          load.ratios.rewriteOverPassthrough,
          '(a goal: no Redis command)',
        ],
        [
          'returning / redis floor',
          load.ratios.returningOverRedisFloor,
          '(a goal: one Redis call in both)',
        ],
        ['redis floor / pass-through', load.ratios.redisFloorOverPassthrough, '(one Redis call)'],
        ['gate / pass-through   ', load.ratios.gateOverPassthrough, '(what the decision leaves)'],
        ['rewrite / gate        ', load.ratios.rewriteOverGate, '(the rewriting alone)'],
      ] as const
    ).map(
      ([name, q, note]) =>
        `${name} = ${fixed(q.median, 2)}× ${note}  median of rounds (per round: ` +
        `${q.perRound.map((v) => fixed(v, 2)).join(' ')}; ratio of medians ${fixed(q.ofMedians, 2)}×; ` +
        `by our CPU per request ${fixed(q.byCpu, 2)}×, without the Redis stand-ins ${fixed(q.byCpuWithoutRedis, 2)}×)`,
    ),
    '',
    'Streaming: one request at a time, raw node:http client, keep-alive; timings are medians of',
    'rounds interleaving every path and size; TTFB = first body byte; <body = first byte of the',
    'visible page; peak = workerd VmHWM over a batch of that size alone (reset per batch),',
    'batches run small to large, pass-through before rewrite; Δ = peak − the 10 KB batch peak',
    table(
      [
        'path',
        'size',
        'bytes',
        'runs',
        'head ms',
        'TTFB ms',
        '<body ms',
        'total ms',
        'MB/s',
        'worker peak MB',
        'Δ vs 10 KB',
        'proxy peak MB',
      ],
      r.stream.map((s) => {
        const base = row(r.stream, s.path, 10)?.memory?.worker.peakKb;
        const peak = s.memory?.worker.peakKb;
        return [
          s.path,
          size(s.kb),
          String(s.bytes),
          String(s.runs),
          fixed(s.headersMs, 1),
          fixed(s.ttfbMs, 1),
          fixed(s.bodyTagMs, 1),
          fixed(s.totalMs, 1),
          fixed(s.bytes / 1024 / 1024 / (s.totalMs / 1000), 0),
          peak === undefined ? '-' : mb(peak),
          peak === undefined || base === undefined ? '-' : `+${mb(peak - base)}`,
          s.memory ? mb(s.memory.proxy.peakKb) : '-',
        ];
      }),
    ),
  ];
  const ttfb = (path: StreamRow['path'], kb: number) =>
    row(r.stream, path, kb)?.ttfbMs ?? Number.NaN;
  out.push(
    `TTFB 5 MB / 10 KB: rewrite ${fixed(ttfb('rewrite', 5120) / ttfb('rewrite', 10), 2)}×, ` +
      `pass-through ${fixed(ttfb('passthrough', 5120) / ttfb('passthrough', 10), 2)}×, ` +
      `passthrough+gzip ${fixed(ttfb('passthrough+gzip', 5120) / ttfb('passthrough+gzip', 10), 2)}×, ` +
      `rewrite+gzip ${fixed(ttfb('rewrite+gzip', 5120) / ttfb('rewrite+gzip', 10), 2)}×`,
  );
  const failed = r.stream.filter((s) => s.failures.length > 0);
  for (const s of failed) out.push(`!!! ${s.path} ${size(s.kb)}: ${s.failures.join(', ')}`);
  if (load.failures > 0) out.push(`!!! ${load.failures} load answers failed; see the tallies`);
  out.push('', 'Goals', goalsTable(r.goals), '');
  console.log(out.join('\n'));
}

export function writeJson(path: string, result: ProxyBenchResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
