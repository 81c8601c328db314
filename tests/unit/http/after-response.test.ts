import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app';
import type { Services } from '../../../src/services';

// The publisher's counters leave after the response, never on a reader's path: the app hands
// a due flush to `waitUntil` and answers without waiting for it. The integration tests' Redis
// watches leave the counters' own keys out (a time-based flush may land in any test), so this
// is where a flush moved onto the reader's path would show.
describe('the counters flush after the response', () => {
  it('answers while the flush is still running, and hands the flush to waitUntil', async () => {
    let release = () => {};
    let flushed = false;
    const flush = new Promise<void>((resolve) => {
      release = () => {
        flushed = true;
        resolve();
      };
    });
    let asked = 0;
    const services = {
      stats: {
        due: () => true,
        flush: () => {
          asked += 1;
          return flush;
        },
      },
    } as unknown as Services;
    const waited: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => void waited.push(p),
      passThroughOnException: () => {},
      props: {},
    };
    const response = await createApp(services).fetch(
      new Request('http://localhost/_paywall/no-such-route'),
      {},
      ctx as unknown as ExecutionContext,
    );
    expect(response.status).toBe(404);
    expect(asked).toBe(1);
    expect(flushed).toBe(false);
    expect(waited).toHaveLength(1);
    release();
    await Promise.all(waited);
    expect(flushed).toBe(true);
  });
});
