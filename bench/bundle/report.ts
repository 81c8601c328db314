import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fixed, type Goal, goalsTable, table } from '../support/format';
import type { BundleSize } from './size';
import type { StartupSample } from './startup';
import type { StartupSummary } from './summary';

/** Everything one run measured; also written as JSON (bench/results/bundle.json). */
export interface BundleBenchResult {
  bench: 'bundle';
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  wrangler: string;
  workerd: string;
  code: { commit: string; srcDirty: boolean };
  config: {
    entry: string;
    goalGzipBytes: number;
    startupGoalCpuMs: number;
    rounds: number;
    topPackages: number;
  };
  sizes: {
    /** What `wrangler deploy` uploads with wrangler.toml as it is. */
    deployed: BundleSize;
    minified: BundleSize;
    unminified: BundleSize;
  };
  /** Output bytes of the deployed bundle by package, before compression, largest first. */
  packages: { name: string; bytes: number }[];
  startup: { summary: StartupSummary[]; samples: StartupSample[] };
  goals: Goal[];
}

const n = (bytes: number) => bytes.toLocaleString('en-US');
export const kb = (bytes: number) => `${fixed(bytes / 1024, 1)} KB`;
export const ms = (value: number) => fixed(value, 1);

export function printReport(r: BundleBenchResult): void {
  const { deployed, minified, unminified } = r.sizes;
  const total = r.packages.reduce((a, p) => a + p.bytes, 0);
  const out = [
    '',
    `== bundle bench  ${r.date}  node ${r.node}  ${r.cpus} CPU (${r.cpuModel})  ` +
      `wrangler ${r.wrangler}  workerd ${r.workerd}  ` +
      `code ${r.code.commit}${r.code.srcDirty ? ' + uncommitted src/ changes' : ''}`,
    '',
    `The worker as \`wrangler deploy --dry-run\` bundles it (${r.config.entry}); bytes.`,
    'gzip: zlib default level, as wrangler prints on deploy; gzip -9 for information.',
    table(
      ['bundle', 'raw', 'gzip', 'gzip -9'],
      (
        [
          ['deployed (wrangler.toml as it is)', deployed],
          ['  --minify', minified],
          ['  --no-minify', unminified],
        ] as const
      ).map(([label, s]) => [label, n(s.raw), n(s.gzip), n(s.gzip9)]),
    ),
    '',
    `Top ${r.config.topPackages} packages of the deployed bundle by output bytes (before gzip)`,
    table(
      ['package', 'bytes', 'share'],
      r.packages
        .slice(0, r.config.topPackages)
        .map((p) => [p.name, n(p.bytes), `${fixed((100 * p.bytes) / Math.max(1, total), 1)}%`]),
    ),
    '',
    `Cold starts, each in its own workerd, ${r.config.rounds} interleaved rounds, medians; ` +
      'CPU is workerd’s, all threads.',
    'listen: spawn → the port accepts (workerd runs the global scope before it listens);',
    'first answer: spawn → the first response read; over floor: CPU at listen minus the',
    'empty worker’s in the same round (median of the differences).',
    table(
      ['worker', 'listen ms', 'CPU ms', 'first answer ms', 'CPU ms', 'CPU over floor ms'],
      r.startup.summary.map((s) => [
        s.label,
        ms(s.listenMs),
        ms(s.listenCpuMs),
        ms(s.firstResponseMs),
        ms(s.firstResponseCpuMs),
        ms(s.overFloorCpuMs),
      ]),
    ),
    '',
    'Goals',
    goalsTable(r.goals),
    '',
  ];
  console.log(out.join('\n'));
}

export function evaluateGoals(r: Pick<BundleBenchResult, 'sizes' | 'config' | 'startup'>): Goal[] {
  const { deployed, minified } = r.sizes;
  const goal = r.config.goalGzipBytes;
  const startup = r.startup.summary.find((s) => s.variant === 'deployed');
  const overFloor = startup?.overFloorCpuMs ?? Number.NaN;
  return [
    {
      name: `deployed worker, gzip (as wrangler counts) ≤ ${kb(goal)}`,
      value: `${kb(deployed.gzip)} (${n(deployed.gzip)} B) = ${fixed(deployed.gzip / goal, 2)}× goal`,
      pass: deployed.gzip <= goal,
    },
    {
      name: 'deploy is minified (wrangler.toml `minify = true`)',
      value:
        deployed.raw === minified.raw
          ? `yes (${n(deployed.raw)} B raw)`
          : `no: ${n(deployed.raw)} B raw, ${n(minified.raw)} B with --minify`,
      pass: deployed.raw === minified.raw,
    },
    {
      name: `worker startup CPU over an empty worker's ≤ ${n(r.config.startupGoalCpuMs)} ms (Cloudflare's startup limit)`,
      value: `${ms(overFloor)} ms (median of ${startup?.rounds ?? 0} rounds)`,
      pass: overFloor <= r.config.startupGoalCpuMs,
    },
  ];
}

export function writeJson(path: string, result: BundleBenchResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
