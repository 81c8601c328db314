import { parseArgs } from 'node:util';
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
  const port = values.port === undefined ? 8788 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number, got "${values.port}"\n${USAGE}`);
  }
  const origin = await startDemoOrigin({ port, ...(values.host ? { host: values.host } : {}) });
  console.log(`demo-origin listening on ${origin.url} (The Riverside Courier, demo articles)`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    origin.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`demo-origin: error while stopping on ${signal}:`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`demo-origin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
