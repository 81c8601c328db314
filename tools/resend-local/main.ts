import { parseArgs } from 'node:util';
import { closeOnSignals, parsePort } from '../lib/cli';
import { startResendLocal } from './server';

// CLI: npx tsx tools/resend-local/main.ts [--port 12112] [--host 127.0.0.1] [--api-key re_test_local]
// Prints one line once listening and stops cleanly on SIGINT/SIGTERM.

const USAGE = 'usage: resend-local [--port 12112] [--host 127.0.0.1] [--api-key re_test_local]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const server = await startResendLocal({
    port: parsePort(values.port, 12112, USAGE),
    ...(values.host ? { host: values.host } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
  });
  console.log(`resend-local listening on ${server.url} (RESEND_API_BASE=${server.url})`);
  closeOnSignals('resend-local', server);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
