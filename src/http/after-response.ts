import type { Context } from 'hono';

/**
 * Work that must not hold the response: handed to the runtime's `waitUntil`, which keeps the
 * isolate alive until it settles. Where there is no execution context (Hono's `app.request`
 * in a test), it runs anyway. The work must not throw; a rejection is swallowed here so it
 * can never surface as an unhandled one.
 */
export function afterResponse(c: Context, work: Promise<void>): void {
  const settled = work.catch(() => {});
  try {
    c.executionCtx.waitUntil(settled);
  } catch {
    // No execution context: the promise runs on its own.
  }
}
