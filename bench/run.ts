import { runAccessBench } from './access/run';
import { runClientBench } from './client/run';
import { runProxyBench } from './proxy/run';

/**
 * `npm run bench`: runs every bench in turn; `npm run bench -- proxy` (or `access`,
 * `client`) runs the named ones only. Missed goals are printed (PASS/FAIL), not turned into
 * an exit code, because a bench on a noisy machine is evidence, not a gate; the exit code is
 * non-zero only when a bench crashed or an unknown bench was named.
 */
const benches: { name: string; run: () => Promise<unknown> }[] = [
  { name: 'access', run: runAccessBench },
  { name: 'proxy', run: runProxyBench },
  { name: 'client', run: runClientBench },
];

const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = asked.filter((name) => !benches.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(
    `[bench] unknown bench: ${unknown.join(', ')} (known: ${benches.map((b) => b.name).join(', ')})`,
  );
  process.exit(2);
}

let crashed = false;
for (const bench of benches) {
  if (asked.length > 0 && !asked.includes(bench.name)) continue;
  try {
    await bench.run();
  } catch (error) {
    crashed = true;
    console.error(`[bench] ${bench.name} crashed:`, error);
  }
}
process.exit(crashed ? 1 : 0);
