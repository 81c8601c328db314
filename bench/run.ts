import { runAccessBench } from './access/run';

/**
 * `npm run bench`: runs every bench in turn. Missed goals are printed (PASS/FAIL), not
 * turned into an exit code, because a bench on a noisy machine is evidence, not a gate;
 * the exit code is non-zero only when a bench crashed.
 */
const benches: { name: string; run: () => Promise<unknown> }[] = [
  { name: 'access', run: runAccessBench },
];

let crashed = false;
for (const bench of benches) {
  try {
    await bench.run();
  } catch (error) {
    crashed = true;
    console.error(`[bench] ${bench.name} crashed:`, error);
  }
}
process.exit(crashed ? 1 : 0);
