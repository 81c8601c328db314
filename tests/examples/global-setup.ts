/// <reference types="node" />
import type { TestProject } from 'vitest/node';
import { type Stack, startStack } from '../e2e/stack';
import { startDoorProxy } from '../support/door-proxy';
import { startClosedPort, startCountReporter, startHangingServer } from '../support/fault-servers';
import { failRunOnPii } from '../support/pii-scan';
import { hideExpectedWorkerdLogs } from '../support/workerd-logs';

/** The site the example Worker plays in these tests; its forms post from this origin. */
export const SITE_ORIGIN = 'https://site.example';

// The real service (wrangler dev with upstash-local, the Stripe emulator and the demo origin,
// as the browser journeys use it), with a counting proxy at its door, and two broken
// "services": a closed port and one that accepts connections and never answers.
let stack: Stack | undefined;

export default async function setup(project: TestProject) {
  // The closed-port tests make workerd log the fetch failures the client catches.
  hideExpectedWorkerdLogs();
  const started = Date.now();
  // The registration wall on, so a reader signed in through the client is metered as an
  // account with the higher limit (tests/examples/client.test.ts).
  stack = await startStack({
    allowedOrigins: [SITE_ORIGIN],
    paywallConfig: { accounts: { registration: { enabled: true, extraArticles: 2 } } },
  });
  const counted = await startDoorProxy(stack.url, { countCalls: true });
  const hanging = await startHangingServer();
  const closed = await startClosedPort();
  const hangingCounts = await startCountReporter(() => ({ connections: hanging.connections() }));
  console.log(`[examples] service up in ${Date.now() - started} ms: ${stack.url}`);
  project.provide('examples', {
    serviceUrl: counted.url,
    directServiceUrl: stack.url,
    stripeUrl: stack.stripeUrl,
    signingKeys: stack.signingKeys,
    hangingUrl: hanging.url,
    hangingCountsUrl: hangingCounts.url,
    closedUrl: closed.url,
  });
  return async () => {
    await counted.close();
    await hanging.close();
    await hangingCounts.close();
    // The example Worker's console lines (collected by ./vitest.config.ts); the service's
    // own are judged as the stack stops.
    failRunOnPii();
    await stack?.stop();
    stack = undefined;
  };
}

export interface ExamplesContext {
  /** The service behind the counting proxy: what the example Worker is pointed at. */
  serviceUrl: string;
  directServiceUrl: string;
  stripeUrl: string;
  signingKeys: string;
  hangingUrl: string;
  /** `{ connections }`: how many connections the hanging service has accepted so far. */
  hangingCountsUrl: string;
  closedUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    examples: ExamplesContext;
  }
}
