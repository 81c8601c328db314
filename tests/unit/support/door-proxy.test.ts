import { createServer, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startDoorProxy } from '../../support/door-proxy';

// The proxy the stack puts in front of wrangler dev (tests/support/door-proxy.ts): it sends
// a request again only on wrangler's own "restarted mid-request" 503, and passes everything
// else through as it came. Its upstream here is a plain loopback server scripted per test.

const WRANGLER_503 =
  'Your worker restarted mid-request. Please try sending the request again. Only GET or HEAD requests are retried automatically.';

type Answer = (res: ServerResponse) => void;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** An upstream answering its n-th request with `answers[n]`, recording each body it got. */
async function upstream(answers: Answer[]) {
  const bodies: string[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    bodies.push(`${req.method} ${req.url} ${body}`);
    (answers[bodies.length - 1] ?? answers.at(-1))?.(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const port = typeof address === 'object' && address ? address.port : 0;
  const door = await startDoorProxy(`http://127.0.0.1:${port}`, { countCalls: true });
  closers.unshift(() => door.close());
  return { url: door.url, bodies };
}

const wrangler503: Answer = (res) => {
  res.writeHead(503, { 'content-type': 'text/plain;charset=UTF-8', 'retry-after': '0' });
  res.end(WRANGLER_503);
};
const ok: Answer = (res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'a=1' });
  res.end('{"ok":true}');
};

describe('door proxy', () => {
  it("sends a POST again, body and all, after wrangler's restarted-mid-request 503", async () => {
    const { url, bodies } = await upstream([wrangler503, ok]);
    const answer = await fetch(`${url}/_paywall/v1/access?x=1`, {
      method: 'POST',
      body: '{"a":1}',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-cookie')).toBe('a=1');
    expect(await answer.json()).toEqual({ ok: true });
    expect(bodies).toEqual([
      'POST /_paywall/v1/access?x=1 {"a":1}',
      'POST /_paywall/v1/access?x=1 {"a":1}',
    ]);
    // Counted once: the call the client made, not the hops behind the door.
    const counts = await (await fetch(`${url}/__counts`)).json();
    expect(counts).toEqual({ 'POST /_paywall/v1/access': 1 });
  });

  it('sends again only once: a second artifact in a row reaches the caller', async () => {
    const { url, bodies } = await upstream([wrangler503, wrangler503, ok]);
    const answer = await fetch(`${url}/x`, { method: 'POST', body: 'b' });
    expect(answer.status).toBe(503);
    expect(await answer.text()).toBe(WRANGLER_503);
    expect(bodies).toHaveLength(2);
  });

  const otherFailures: [string, Answer][] = [
    [
      'a 503 of the service itself',
      (res) => {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end('{"error":{"code":"service_unavailable"}}');
      },
    ],
    [
      'a 503 with a longer Retry-After',
      (res) => {
        res.writeHead(503, { 'retry-after': '30' });
        res.end(WRANGLER_503);
      },
    ],
    [
      'a 500',
      (res) => {
        res.writeHead(500);
        res.end(WRANGLER_503);
      },
    ],
  ];
  it.each(otherFailures)('passes %s through, untouched and not sent again', async (_, answer) => {
    const { url, bodies } = await upstream([answer, ok]);
    const response = await fetch(`${url}/y`, { method: 'POST', body: 'c' });
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(bodies).toHaveLength(1);
  });
});
