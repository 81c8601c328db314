import { MAX_KB, MIN_KB } from './bench';

// Injected faults, chosen per request by a path prefix, so tests running in parallel against
// the one demo origin never disturb each other (no mode is global):
//
//   /_fault/slow-first-byte/<ms>/<path>     <path> as usual, its headers held back <ms> ms
//   /_fault/reset-mid-stream/<bytes>/<path> <path>'s headers and first <bytes> bytes, then
//                                           the socket is destroyed (no clean end)
//   /_fault/stall-mid-stream/<bytes>/<path> the same, but then silent until the client leaves
//   /_fault/huge-no-length/<kb>/<path>      the bench article of <kb> KB, chunked, with no
//                                           content-length; <path> only names the page.
//                                           `?hold=<token>`: the first HOLD_AFTER_BYTES go
//                                           out, the rest waits for /_fault/release/<token>
//   /_fault/release/<token>                 lets a held page finish (before or after it started)
//   <path>?_fault=<mode>/<n>                the same three faults on <path> itself
//
// The worker keeps only ORIGIN_URL's scheme, host and port and forwards the reader's path and
// query, so a reader asking the worker for `/2026/11/x?_fault=reset-mid-stream/4000` reaches
// the fault on the article's own URL: same article id, same meter entry as the clean read
// (the prefix form needs `/_fault/**` among the worker's article paths, and is its own article).

export const FAULT_PREFIX = '/_fault/';
/** The same faults as a query on the page's own path: `<path>?_fault=<mode>/<n>`. */
export const FAULT_PARAM = '_fault';
export const MAX_SLOW_MS = 120_000;
/** What a held huge page sends before waiting: past the head, well into the JSON-LD. */
export const HOLD_AFTER_BYTES = 64 * 1024;
/** Holds waiting at once; past this the oldest is released, so a test's leak cannot grow. */
const MAX_HOLDS = 1000;

export type Fault =
  | { mode: 'slow-first-byte'; ms: number; path: string }
  | { mode: 'reset-mid-stream' | 'stall-mid-stream'; bytes: number; path: string }
  | { mode: 'huge-no-length'; kb: number; path: string; hold: string | null }
  | { mode: 'release'; token: string };

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** The fault a `/_fault/...` URL asks for, or null when it is malformed (a 400). */
export function parseFault(url: URL): Fault | null {
  const rest = url.pathname.slice(FAULT_PREFIX.length);
  const [mode = '', arg = '', ...tail] = rest.split('/');
  const path = `/${tail.join('/')}`;
  const n = /^\d{1,9}$/.test(arg) ? Number(arg) : Number.NaN;
  switch (mode) {
    case 'slow-first-byte':
      return n <= MAX_SLOW_MS ? { mode, ms: n, path } : null;
    case 'reset-mid-stream':
    case 'stall-mid-stream':
      return n >= 0 ? { mode, bytes: n, path } : null;
    case 'huge-no-length': {
      const hold = url.searchParams.get('hold');
      if (hold !== null && !TOKEN.test(hold)) return null;
      return n >= MIN_KB && n <= MAX_KB ? { mode, kb: n, path, hold } : null;
    }
    case 'release':
      return TOKEN.test(arg) && tail.length === 0 ? { mode, token: arg } : null;
    default:
      return null;
  }
}

/**
 * Held pages of one server (never module state: two servers in one process are independent).
 * A release that comes first is remembered, so the order of the two requests never matters.
 */
export class Holds {
  private readonly waiting = new Map<string, () => void>();
  private readonly released = new Set<string>();

  /** Resolves when `token` is released (at once if it already was). */
  wait(token: string): Promise<void> {
    if (this.released.delete(token)) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.get(token)?.();
      this.waiting.set(token, resolve);
      this.trim();
    });
  }

  release(token: string): void {
    const resolve = this.waiting.get(token);
    if (resolve) {
      this.waiting.delete(token);
      resolve();
    } else {
      this.released.add(token);
      this.trim();
    }
  }

  /** Lets every held page finish (the server is closing). */
  releaseAll(): void {
    for (const resolve of this.waiting.values()) resolve();
    this.waiting.clear();
    this.released.clear();
  }

  private trim(): void {
    for (const [token, resolve] of this.waiting) {
      if (this.waiting.size <= MAX_HOLDS) break;
      this.waiting.delete(token);
      resolve();
    }
    for (const token of this.released) {
      if (this.released.size <= MAX_HOLDS) break;
      this.released.delete(token);
    }
  }
}
