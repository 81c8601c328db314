import { parseArgs } from 'node:util';
import { closeOnSignals, parsePort } from '../lib/cli';
import { type LocalPrice, startStripeLocal } from './server';

// CLI: npx tsx tools/stripe-local/main.ts [--port 12111] [--host 127.0.0.1]
//        [--secret-key sk_test_local] [--webhook-secret whsec_local] [--webhook-url URL]
//        [--price id:amount:currency[:interval]]…
// Prints one line once listening and stops cleanly on SIGINT/SIGTERM.

const USAGE =
  'usage: stripe-local [--port 12111] [--host 127.0.0.1] [--secret-key sk_test_local]\n' +
  '  [--webhook-secret whsec_local] [--webhook-url http://127.0.0.1:8787/_paywall/v1/webhooks/stripe]\n' +
  '  [--price price_local_monthly:500:eur:month]...';

function parsePrice(spec: string): LocalPrice {
  const [id, amount, currency, interval] = spec.split(':');
  const unitAmount = Number(amount);
  if (!id || !currency || !Number.isSafeInteger(unitAmount) || unitAmount < 0) {
    throw new Error(`--price must be id:amount:currency[:interval], got "${spec}"`);
  }
  if (interval && !['day', 'week', 'month', 'year'].includes(interval)) {
    throw new Error(`--price interval must be day, week, month or year, got "${interval}"`);
  }
  return {
    id,
    unit_amount: unitAmount,
    currency,
    ...(interval ? { recurring: { interval: interval as 'month' } } : {}),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'secret-key': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'webhook-url': { type: 'string' },
      price: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = parsePort(values.port, 12111);
  const server = await startStripeLocal({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values['secret-key'] ? { secretKey: values['secret-key'] } : {}),
    ...(values['webhook-secret'] ? { webhookSecret: values['webhook-secret'] } : {}),
    ...(values['webhook-url'] ? { webhookUrl: values['webhook-url'] } : {}),
    prices: (values.price ?? []).map(parsePrice),
  });
  const target = values['webhook-url'] ? `webhooks → ${values['webhook-url']}` : 'no webhook URL';
  console.log(`stripe-local listening on ${server.url} (${target})`);

  closeOnSignals('stripe-local', server);
}

main().catch((error: unknown) => {
  console.error(`stripe-local: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exit(1);
});
