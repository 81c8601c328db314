import { runAccessBench } from './access/run';
import { runBundleBench } from './bundle/run';
import { runClientBench } from './client/run';
import { runProxyBench } from './proxy/run';
import { type BenchResults, writePerformanceDoc } from './support/performance-doc';
import { runTrafficBench } from './traffic/run';

/**
 * `npm run bench`: runs every bench in turn; `npm run bench -- proxy` (or `access`,
 * `client`, `traffic`, `bundle`) runs the named ones only. Then docs/performance.md is rewritten from the
 * results just printed (benches not run keep their last results), so the page never goes
 * stale. Missed goals are printed (PASS/FAIL), not turned into an exit code, because a bench
 * on a noisy machine is evidence, not a gate; the exit code is non-zero only when a bench
 * crashed, the page could not be written, or an unknown bench was named.
 */
const benches = {
  access: runAccessBench,
  proxy: runProxyBench,
  client: runClientBench,
  traffic: runTrafficBench,
  bundle: runBundleBench,
} satisfies { [K in keyof BenchResults]-?: () => Promise<BenchResults[K]> };
type BenchName = keyof typeof benches;
const names = Object.keys(benches) as BenchName[];

const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = asked.filter((name) => !names.includes(name as BenchName));
if (unknown.length > 0) {
  console.error(`[bench] unknown bench: ${unknown.join(', ')} (known: ${names.join(', ')})`);
  process.exit(2);
}

let crashed = false;
const fresh: BenchResults = {};
for (const name of names) {
  if (asked.length > 0 && !asked.includes(name)) continue;
  try {
    // Each bench returns the result it printed; the page is written from exactly that.
    Object.assign(fresh, { [name]: await benches[name]() });
  } catch (error) {
    crashed = true;
    console.error(`[bench] ${name} crashed:`, error);
  }
}
try {
  console.log(`[bench] wrote ${writePerformanceDoc(fresh)}`);
} catch (error) {
  crashed = true;
  console.error('[bench] could not write docs/performance.md:', error);
}
process.exit(crashed ? 1 : 0);
