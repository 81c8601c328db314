import { describe, expect, it } from 'vitest';
import { ARTICLES } from '../../tools/demo-origin/articles';
import { benchParagraph } from '../../tools/demo-origin/bench';
import { HOLD_AFTER_BYTES, MAX_SLOW_MS } from '../../tools/demo-origin/faults';
import { escapeHtml } from '../../tools/demo-origin/html';
import { AVAILABLE, get } from './demo-origin-support';

// The demo origin's injected faults (tools/demo-origin/faults.ts), checked straight at the
// origin from workerd: each is chosen per request (path prefix or `?_fault=`), so these run
// beside every other test of the site without changing what those see.

const article = ARTICLES[0] as (typeof ARTICLES)[number];

/** Every byte that arrived, and whether the body ended cleanly or broke. */
async function bytesOf(response: Response): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const reader = response.body?.getReader();
  const parts: Uint8Array[] = [];
  let complete = true;
  if (reader) {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parts.push(value);
      }
    } catch {
      complete = false;
    }
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return { bytes, complete };
}

async function direct(path: string): Promise<Uint8Array> {
  return new Uint8Array(await (await get(path)).arrayBuffer());
}

describe.skipIf(!AVAILABLE)('demo origin faults', () => {
  it('slow-first-byte holds the headers back (the client gives up first)', async () => {
    const held = get(`/_fault/slow-first-byte/${MAX_SLOW_MS}${article.path}`, {
      signal: AbortSignal.timeout(300),
    });
    await expect(held).rejects.toThrow();
  });

  it('slow-first-byte then answers the page as usual, in both spellings', async () => {
    const page = await direct(article.path);
    for (const path of [
      `/_fault/slow-first-byte/20${article.path}`,
      `${article.path}?_fault=slow-first-byte/20`,
    ]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(page);
    }
    expect((await get('/_fault/slow-first-byte/0/2026/11/no-such-story')).status).toBe(404);
  });

  it('reset-mid-stream sends the headers and exactly the first N bytes, then breaks', async () => {
    const page = await direct(article.path);
    for (const cut of [0, 1000, Math.floor(page.byteLength / 2), page.byteLength - 10]) {
      for (const path of [
        `/_fault/reset-mid-stream/${cut}${article.path}`,
        `${article.path}?_fault=reset-mid-stream/${cut}`,
      ]) {
        const response = await get(path);
        expect(response.status).toBe(200);
        // The page promised its whole length and did not deliver it.
        expect(response.headers.get('content-length')).toBe(String(page.byteLength));
        const { bytes, complete } = await bytesOf(response);
        expect(complete, path).toBe(false);
        expect(bytes, path).toEqual(page.subarray(0, bytes.byteLength));
        expect(bytes.byteLength, path).toBe(cut);
      }
    }
  });

  it('reset-mid-stream on a streamed page breaks the chunked body', async () => {
    const response = await get('/_fault/reset-mid-stream/40000/bench/article?kb=200');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBeNull();
    const { bytes, complete } = await bytesOf(response);
    expect(complete).toBe(false);
    expect(bytes.byteLength).toBe(40_000);
  });

  it('stall-mid-stream sends the headers and the first N bytes, then stays open until the client leaves', async () => {
    const page = await direct(article.path);
    const client = new AbortController();
    const response = await get(`${article.path}?_fault=stall-mid-stream/1500`, {
      signal: client.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(page.byteLength));
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const parts: Uint8Array[] = [];
    let received = 0;
    while (received < 1500) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      parts.push(value as Uint8Array);
      received += value?.byteLength ?? 0;
    }
    expect(received).toBe(1500);
    expect(Buffer.concat(parts)).toEqual(Buffer.from(page.subarray(0, 1500)));
    client.abort();
    await expect(reader.read()).rejects.toThrow();
  });

  it('huge-no-length streams a 5 MB article page chunked, with no content-length', async () => {
    const response = await get(`${article.path}?_fault=huge-no-length/5120`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-length')).toBeNull();
    const { bytes, complete } = await bytesOf(response);
    expect(complete).toBe(true);
    expect(bytes.byteLength).toBeGreaterThanOrEqual(5120 * 1024);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('<article class="article"');
    expect(text).toContain(`<p>${escapeHtml(benchParagraph(2))}</p>`);
    expect(text.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('a held huge page sends its start, waits for its release, then finishes', async () => {
    const token = crypto.randomUUID();
    const response = await get(`/_fault/huge-no-length/1024/2026/11/held?hold=${token}`);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    let received = 0;
    while (received < HOLD_AFTER_BYTES) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      received += value?.byteLength ?? 0;
    }
    // Held: other requests, another page's hold included, are not.
    expect((await get(article.path)).status).toBe(200);
    expect((await get('/_fault/release/someone-else')).status).toBe(200);
    expect((await get(`/_fault/release/${token}`)).status).toBe(200);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
    expect(received).toBeGreaterThanOrEqual(1024 * 1024);
  });

  it('a release that comes before its page lets the page run straight through', async () => {
    const token = crypto.randomUUID();
    expect((await get(`/_fault/release/${token}`)).status).toBe(200);
    const response = await get(`/_fault/huge-no-length/256/x?hold=${token}`);
    const { bytes, complete } = await bytesOf(response);
    expect(complete).toBe(true);
    expect(bytes.byteLength).toBeGreaterThanOrEqual(256 * 1024);
  });

  it('a malformed fault is a 400, never a page', async () => {
    for (const path of [
      '/_fault/',
      '/_fault/no-such-fault/1/2026/11/x',
      `/_fault/slow-first-byte/${MAX_SLOW_MS + 1}/2026/11/x`,
      '/_fault/slow-first-byte/soon/2026/11/x',
      '/_fault/reset-mid-stream/-1/2026/11/x',
      '/_fault/stall-mid-stream/x/2026/11/x',
      '/_fault/huge-no-length/0/2026/11/x',
      '/_fault/huge-no-length/999999/2026/11/x',
      '/_fault/huge-no-length/10/x?hold=not%20a%20token',
      '/_fault/release/a/b',
      `${article.path}?_fault=nothing`,
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      expect(await response.text()).toContain('malformed fault');
    }
  });
});
