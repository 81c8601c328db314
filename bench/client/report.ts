import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { fixed, type Goal, goalsTable, table } from '../support/format';
import type { BundleSize } from './size';

/** Everything one run measured; also written as JSON (bench/results/client.json). */
export interface ClientBenchResult {
  bench: 'client';
  date: string;
  node: string;
  esbuild: string;
  code: { commit: string; srcDirty: boolean };
  config: { entry: string; goalGzipBytes: number; topInputs: number };
  bundles: {
    /** The site's Worker with the client and jose bundled in: what the goal is about. */
    site: BundleSize;
    /** Only the jose exports the client uses. */
    jose: BundleSize;
    /** The site's Worker with jose left external: our own code alone. */
    ours: BundleSize;
  };
  goals: Goal[];
}

const n = (bytes: number) => bytes.toLocaleString('en-US');
const kb = (bytes: number) => `${fixed(bytes / 1024, 1)} KB`;

/** Which package an input belongs to: `src/` is ours, node_modules by package name. */
export function owner(path: string): string {
  if (path.startsWith('src/')) return 'edge-paywall (src/)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  return pkg ?? 'site entry';
}

export function printReport(r: ClientBenchResult): void {
  const { site, jose, ours } = r.bundles;
  const byOwner = new Map<string, number>();
  for (const input of site.inputs) {
    byOwner.set(owner(input.path), (byOwner.get(owner(input.path)) ?? 0) + input.bytes);
  }
  const counted = [...byOwner.values()].reduce((a, b) => a + b, 0);
  const share = (bytes: number) => `${fixed((100 * bytes) / Math.max(1, counted), 1)}%`;
  const out: string[] = [
    '',
    `== client bench  ${r.date}  node ${r.node}  esbuild ${r.esbuild}  ` +
      `code ${r.code.commit}${r.code.srcDirty ? ' + uncommitted src/ changes' : ''}`,
    '',
    `Bundle of a site's Worker (${r.config.entry}) using edge-paywall/client:`,
    'esbuild, minified, esm, es2022, conditions workerd/worker/browser; bytes',
    table(
      ['bundle', 'minified', 'gzip -9', 'brotli q11'],
      (
        [
          ['site Worker, jose included', site],
          ['  jose alone (what src/client/token.ts imports)', jose],
          ['  ours alone (jose external)', ours],
        ] as const
      ).map(([label, b]) => [label, n(b.raw), n(b.gzip), n(b.brotli)]),
    ),
    '',
    'Minified bytes in the site bundle by package (esbuild metafile bytesInOutput)',
    table(
      ['package', 'bytes', 'share'],
      [...byOwner.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([name, bytes]) => [name, n(bytes), share(bytes)]),
    ),
    '',
    `Top ${r.config.topInputs} inputs of the site bundle by minified bytes`,
    table(
      ['input', 'bytes', 'share'],
      site.inputs.slice(0, r.config.topInputs).map((i) => [i.path, n(i.bytes), share(i.bytes)]),
    ),
    '',
    'Goals',
    goalsTable(r.goals),
    '',
  ];
  console.log(out.join('\n'));
}

export function evaluateGoals(site: BundleSize, goalGzipBytes: number): Goal[] {
  const ratio = site.gzip / goalGzipBytes;
  return [
    {
      name: `client bundle, gzip -9, jose included ≤ ${kb(goalGzipBytes)}`,
      value: `${kb(site.gzip)} (${n(site.gzip)} B) = ${fixed(ratio, 2)}× goal`,
      pass: site.gzip <= goalGzipBytes,
    },
  ];
}

export function writeJson(path: string, result: ClientBenchResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
