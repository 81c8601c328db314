import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authed, client, Keys, TARGETS, TOKEN } from './upstash-local-support';

// The fault switches of tools/upstash-local (faults.ts): each mode as the real client and
// the raw wire see it, scoped to a tenant (`<server>/t/<tenant>`) so no other test notices.

/** Polls `done` until it holds, for a bounded, generous time (a condition, not a sleep). */
async function waitFor(done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const tenantName = () => `faults-${crypto.randomUUID().slice(0, 8)}`;

describe.each(TARGETS)('upstash-local faults on $name', ({ url }) => {
  let keys: Keys;
  let tenant: string;
  beforeEach(() => {
    keys = new Keys();
    tenant = tenantName();
  });
  afterEach(async () => {
    await keys.cleanup(url);
  });

  const tenantUrl = () => `${url}/t/${tenant}`;
  const control = `${url}/_local/faults`;
  const setFault = async (body: unknown, name = tenant) => {
    const response = await fetch(`${control}/${name}`, {
      method: 'POST',
      headers: authed({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const readFault = async (name = tenant) =>
    (await (await fetch(`${control}/${name}`, { headers: authed() })).json()) as Record<
      string,
      unknown
    >;
  const raw = (body: unknown, at = tenantUrl()) =>
    fetch(at, { method: 'POST', headers: authed(), body: JSON.stringify(body) });

  it('serves a tenant path exactly as / while no fault is set', async () => {
    const tenanted = client(tenantUrl());
    await tenanted.set(keys.key('a'), 'x');
    expect(await client(url).get(keys.key('a'))).toBe('x');
    expect(await readFault()).toMatchObject({ mode: 'none', seen: 0, faulted: 0 });
  });

  it('the switch needs the token and refuses what it does not know', async () => {
    const noToken = await fetch(`${control}/${tenant}`, {
      method: 'POST',
      body: '{"mode":"down"}',
    });
    expect(noToken.status).toBe(401);
    for (const body of ['{"mode":"sideways"}', '{"mode":"slow","delayMs":-1}', '[1]', 'nope']) {
      const response = await fetch(`${control}/${tenant}`, {
        method: 'POST',
        headers: authed(),
        body,
      });
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^ERR /);
    }
    expect(await readFault()).toMatchObject({ mode: 'none' });
  });

  it('status500: every command answers 500 {error}; other tenants and / are untouched', async () => {
    await setFault({ mode: 'status500' });
    const response = await raw(['PING']);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'ERR upstash-local: injected internal error',
    });
    await expect(client(tenantUrl()).get(keys.key('a'))).rejects.toThrow(/injected internal error/);
    expect(await (await raw(['PING'], `${url}/t/${tenantName()}`)).json()).toEqual({
      result: 'PONG',
    });
    expect(await (await raw(['PING'], `${url}/`)).json()).toEqual({ result: 'PONG' });
    expect(await readFault()).toMatchObject({ mode: 'status500', seen: 2, faulted: 2 });
  });

  it('html502: a proxy’s text/html 502 page, which the client cannot parse', async () => {
    await setFault({ mode: 'html502' });
    const response = await raw(['PING']);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
    await expect(client(tenantUrl()).get(keys.key('a'))).rejects.toThrow();
  });

  it('down: the connection is reset, and the client’s retries fail too', async () => {
    await setFault({ mode: 'down' });
    await expect(raw(['PING'])).rejects.toThrow();
    await expect(
      client(tenantUrl(), { retry: { retries: 1, backoff: () => 1 } }).get(keys.key('a')),
    ).rejects.toThrow();
    expect(await readFault()).toMatchObject({ mode: 'down', seen: 3, faulted: 3 });
    await setFault({ mode: 'none' });
    expect(await (await raw(['PING'])).json()).toEqual({ result: 'PONG' });
  });

  it('slow: the answer comes after the delay; a client that gave up still sees the write land', async () => {
    await setFault({ mode: 'slow', delayMs: 400 });
    const impatient = client(tenantUrl(), {
      retry: false,
      signal: () => AbortSignal.timeout(50),
    });
    await expect(impatient.set(keys.key('late'), 'landed')).rejects.toThrow();
    // A patient caller gets its answer once the delay is over.
    expect(await (await raw(['PING'])).json()).toEqual({ result: 'PONG' });
    // `pending` counts delayed commands not yet run, across switches: 0 means every late
    // write has landed, and the abandoned SET is one of them.
    await setFault({ mode: 'none' });
    await waitFor(async () => (await readFault()).pending === 0);
    expect(await client(url).get(keys.key('late'))).toBe('landed');
  });

  it('noscript: every EVALSHA answers NOSCRIPT, even for a loaded script; EVAL still runs', async () => {
    const script = 'return ARGV[1]';
    const sha = await client(url).scriptLoad(script);
    await setFault({ mode: 'noscript' });
    const tenanted = client(tenantUrl());
    await expect(tenanted.evalsha(sha, [], ['x'])).rejects.toThrow(/^NOSCRIPT/);
    expect(await tenanted.eval(script, [], ['y'])).toBe('y');
    expect(await tenanted.ping()).toBe('PONG');
    expect(await readFault()).toMatchObject({ seen: 3, faulted: 1 });
  });

  it('partial {skip, fail}: the n-th command of a sequence fails, the others run', async () => {
    await setFault({ mode: 'partial', skip: 1, fail: 1 });
    const tenanted = client(tenantUrl());
    await tenanted.set(keys.key('a'), '1');
    await expect(tenanted.set(keys.key('b'), '2')).rejects.toThrow(/injected failure/);
    await tenanted.set(keys.key('c'), '3');
    expect(await client(url).mget(keys.key('a'), keys.key('b'), keys.key('c'))).toEqual([
      1,
      null,
      3,
    ]);
    expect(await readFault()).toMatchObject({ mode: 'partial', seen: 3, faulted: 1 });
  });

  it('times: a fault for the next N commands only, then it clears itself', async () => {
    await setFault({ mode: 'status500', times: 2 });
    expect((await raw(['PING'])).status).toBe(500);
    expect((await raw(['PING'])).status).toBe(500);
    expect((await raw(['PING'])).status).toBe(200);
    expect(await readFault()).toMatchObject({ mode: 'none', faulted: 2 });
  });

  it('the root tenant: /_local/faults scopes requests to / only', async () => {
    // A server of its own would be needed to fault "/" without disturbing the other tests,
    // so only the read of its (empty) state is checked here.
    const response = await fetch(control, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mode: 'none' });
  });
});
