import { parseArgs } from 'node:util';
import { closeOnSignals, parsePort } from '../lib/cli';
import { startDemoOrigin } from './server';

// CLI: npx tsx tools/demo-origin/main.ts [--port 8788] [--host 127.0.0.1]
// Prints one line once listening and stops cleanly on SIGINT/SIGTERM.

const USAGE = 'usage: demo-origin [--port 8788] [--host 127.0.0.1]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = parsePort(values.port, 8788, USAGE);
  const origin = await startDemoOrigin({ port, ...(values.host ? { host: values.host } : {}) });
  console.log(`demo-origin listening on ${origin.url} (The Riverside Courier, demo articles)`);

  closeOnSignals('demo-origin', origin);
}

main().catch((error: unknown) => {
  console.error(`demo-origin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
