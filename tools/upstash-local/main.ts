import { parseArgs } from 'node:util';
import { closeOnSignals, parsePort } from '../lib/cli';
import type { BackendChoice } from './choose-backend';
import { startUpstashLocal } from './server';

// CLI: npx tsx tools/upstash-local/main.ts [--port 8079] [--host 127.0.0.1]
//        [--token T | UPSTASH_LOCAL_TOKEN=T] [--backend auto|redis|memory] [--redis-url URL]
// Prints one line once listening and stops cleanly on SIGINT/SIGTERM.

const USAGE =
  'usage: upstash-local [--port 8079] [--host 127.0.0.1] [--token T] ' +
  '[--backend auto|redis|memory] [--redis-url redis://...]\n' +
  'The token may also come from UPSTASH_LOCAL_TOKEN.';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      backend: { type: 'string' },
      'redis-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const token = values.token ?? process.env.UPSTASH_LOCAL_TOKEN;
  if (!token) throw new Error(`a token is required\n${USAGE}`);
  const port = parsePort(values.port, 8079);
  const backend = (values.backend ?? 'auto') as BackendChoice;
  if (!['auto', 'redis', 'memory'].includes(backend)) {
    throw new Error(`--backend must be auto, redis or memory, got "${backend}"`);
  }

  const server = await startUpstashLocal({
    port,
    token,
    backend,
    ...(values.host ? { host: values.host } : {}),
    ...(values['redis-url'] ? { redisUrl: values['redis-url'] } : {}),
  });
  console.log(`upstash-local listening on ${server.url} (backend: ${server.description})`);

  closeOnSignals('upstash-local', server);
}

main().catch((error: unknown) => {
  console.error(`upstash-local: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
