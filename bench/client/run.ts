import { resolve } from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { codeSnapshot } from '../support/git';
import { ROOT } from '../support/wrangler';
import { type ClientBenchResult, evaluateGoals, printReport, writeJson } from './report';
import { measureBundle } from './size';

/**
 * The client bench: the size a site pays for `edge-paywall/client` (issue 6), measured by
 * bundling a small site Worker (bench/client/site-worker.ts) as wrangler would, jose
 * included, next to jose alone and our code alone so growth can be told apart. The goal is
 * judged on gzip -9; brotli is shown for information. No servers; about a second.
 */
const CONFIG = {
  entry: 'bench/client/site-worker.ts',
  /** 20 KB, counted as 20 × 1024 bytes, as the other benches count sizes. */
  goalGzipBytes: 20 * 1024,
  topInputs: 8,
};
export const RESULTS_PATH = resolve(ROOT, 'bench/results/client.json');

export async function runClientBench(): Promise<ClientBenchResult> {
  console.log('[bench] client: bundling a site Worker with esbuild…');
  const code = codeSnapshot();
  const [site, jose, ours] = await Promise.all([
    measureBundle(CONFIG.entry, ROOT),
    measureBundle('bench/client/jose-only.ts', ROOT),
    measureBundle(CONFIG.entry, ROOT, ['jose']),
  ]);
  const result: ClientBenchResult = {
    bench: 'client',
    date: new Date().toISOString(),
    node: process.version,
    esbuild: esbuildVersion,
    code,
    config: CONFIG,
    bundles: { site, jose, ours },
    goals: evaluateGoals(site, CONFIG.goalGzipBytes),
  };
  printReport(result);
  writeJson(RESULTS_PATH, result);
  console.log(`[bench] wrote ${RESULTS_PATH}`);
  return result;
}
