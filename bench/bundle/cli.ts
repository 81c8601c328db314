import { runBundleBench } from './run';

/** `npx tsx bench/bundle/cli.ts`: this bench alone, until bench/run.ts runs it with the rest. */
runBundleBench().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] bundle crashed:', error);
    process.exit(1);
  },
);
