import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { unstable_readConfig } from 'wrangler';
import { parseEnv } from '../../src/env';
import { parseDevVars } from '../dev/dev-vars';
import { DEFAULTS, seedDemoStats } from './run';

// CLI: npx tsx tools/stats-seed/main.ts [--days 30] [--seed N] [--readers 2000] [--force]
//        [--prefix P] [--dev-vars PATH]
// A month of demo counters for the dashboard, up to yesterday (UTC), into the Redis that
// `npm start` uses: wrangler.toml's vars with .dev.vars over them, as tools/dev/dev.ts reads
// them. upstash-local must be running (`npm start` starts it).

const ROOT = resolve(import.meta.dirname, '../..');

const USAGE =
  'usage: npx tsx tools/stats-seed/main.ts [--days 30] [--seed N] [--readers 2000] [--force] ' +
  '[--prefix P] [--dev-vars PATH]\n' +
  '  --readers  about how many readers an ordinary weekday has\n' +
  '  --force    seed again although this prefix was seeded (the counts are added again)\n' +
  '  --prefix   in place of REDIS_KEY_PREFIX\n' +
  '  --dev-vars in place of .dev.vars (the local settings npm start writes)';

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      days: { type: 'string' },
      seed: { type: 'string' },
      readers: { type: 'string' },
      prefix: { type: 'string' },
      'dev-vars': { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const days = positiveInt('days', values.days, DEFAULTS.days);
  if (days > 400) throw new Error('--days must be at most 400 (the stats retention)');
  const devVarsPath = resolve(values['dev-vars'] ?? resolve(ROOT, '.dev.vars'));
  if (!existsSync(devVarsPath)) {
    throw new Error(`no ${devVarsPath}: run \`npm start\` once (it writes the local settings)`);
  }
  const tomlVars = unstable_readConfig({ config: resolve(ROOT, 'wrangler.toml') }).vars;
  const parsed = parseEnv({
    ...tomlVars,
    ...parseDevVars(readFileSync(devVarsPath, 'utf8')),
    // Checked by the same rule as the worker's own prefix.
    ...(values.prefix === undefined ? {} : { REDIS_KEY_PREFIX: values.prefix }),
  });
  if (!parsed.ok)
    throw new Error(`the configuration is invalid:\n  - ${parsed.problems.join('\n  - ')}`);
  const outcome = await seedDemoStats(parsed.env, {
    days,
    seed: positiveInt('seed', values.seed, DEFAULTS.seed),
    readersPerDay: positiveInt('readers', values.readers, DEFAULTS.readersPerDay),
    force: values.force,
    now: new Date(),
  });
  console.log(`stats-seed: ${outcome.line}`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`stats-seed: ${message}`);
  if (/fetch failed|ECONNREFUSED/i.test(message)) {
    console.error('stats-seed: is upstash-local running? `npm start` starts it.');
  }
  process.exit(1);
});
