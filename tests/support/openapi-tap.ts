import { expect, inject } from 'vitest';

/**
 * The integration suite's side of tests/support/openapi-validator.ts: every exchange a test has
 * with the worker (tests/support/worker.ts) is posted to the Node-side validator, which checks
 * it against the served OpenAPI document and reports at the end of the run. The response goes
 * back to the test untouched: its body is read from a clone, and only on API paths (the site
 * proxy's answers may stream; they are counted, not read).
 *
 * Exchanges are posted in batches (one POST per BATCH exchanges, and whatever is left when a
 * test file ends: tests/support/openapi-tap-flush.ts), not one by one: a POST per exchange cost
 * the suite about 40% of the fuzz tests' time.
 */

const BATCH = 250;

// Taken when this module loads, before any test replaces globalThis.fetch with its own.
const realFetch = globalThis.fetch;

export interface SentRequest {
  method: string;
  url: string;
  headers: [string, string][];
}

/** What the validator needs of a request, taken before the worker reads it. */
export function sentRequest(request: Request): SentRequest {
  return { method: request.method, url: request.url, headers: [...request.headers] };
}

function currentTest(): string | undefined {
  const state = expect.getState();
  const path = state.testPath?.replace(/^.*?\/(tests\/)/, '$1');
  return [path, state.currentTestName].filter(Boolean).join(' > ') || undefined;
}

export async function tapOpenApi(sent: SentRequest, response: Response): Promise<Response> {
  const target = inject('openapiValidatorUrl');
  // tests/global-setup.ts always starts the validator: without its address nothing is checked.
  if (!target) throw new Error('openapi tap: no openapiValidatorUrl provided; nothing is checked');
  const { pathname } = new URL(sent.url);
  const api = pathname.startsWith('/_paywall') || pathname.startsWith('/.well-known/');
  const responseBody = !api ? null : response.body ? await response.clone().text() : '';
  queue.push({
    method: sent.method,
    url: sent.url,
    requestHeaders: sent.headers,
    status: response.status,
    responseHeaders: [...response.headers],
    responseBody,
    test: currentTest(),
  });
  if (queue.length >= BATCH) await flushOpenApiTap();
  return response;
}

let queue: unknown[] = [];

/** Posts what is queued. Called per batch, and by every test file's afterAll. */
export async function flushOpenApiTap(): Promise<void> {
  if (queue.length === 0) return;
  const target = inject('openapiValidatorUrl');
  const batch = queue;
  queue = [];
  // The validator runs until every test has finished, so a batch it cannot take (transport
  // error, or its 400 when it could not read one) fails the test: the check is never off
  // silently. An exchange it could not check is counted as a disagreement there.
  let answer: Response;
  try {
    answer = await realFetch(`${target}/exchanges`, {
      method: 'POST',
      body: JSON.stringify(batch),
    });
  } catch (error) {
    throw new Error(`openapi tap: the validator could not be reached: ${String(error)}`);
  }
  const text = await answer.text();
  if (answer.status !== 200) {
    throw new Error(`openapi tap: the validator answered ${answer.status}: ${text.slice(0, 200)}`);
  }
}
