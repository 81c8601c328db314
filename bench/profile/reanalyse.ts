import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CpuProfile, moduleMap } from './analyse';
import { byConcern } from './concerns';

/**
 * Re-reads the profiles bench/profile/run.ts saved (PROFILE_OUT) and prints each
 * scenario's CPU by concern, as shares of its profile, summed over the given files.
 *   npx tsx bench/profile/reanalyse.ts /tmp/prof access-decision-1 access-decision-2 …
 */
const [dir = '/tmp', ...names] = process.argv.slice(2);
const modules = moduleMap(await readFile(join(dir, 'access-profile-worker.js'), 'utf8'));
const total = new Map<string, number>();
for (const name of names) {
  const profile = JSON.parse(await readFile(join(dir, `${name}.cpuprofile`), 'utf8')) as CpuProfile;
  for (const [k, us] of byConcern(profile, modules)) total.set(k, (total.get(k) ?? 0) + us);
}
const sum = [...total.values()].reduce((a, b) => a + b, 0);
for (const [k, us] of [...total.entries()].sort((a, b) => b[1] - a[1])) {
  console.log(`${((100 * us) / sum).toFixed(1).padStart(5)}%  ${k}`);
}
