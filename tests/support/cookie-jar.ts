// No workerd imports: the Node suites (tests/e2e) use these too.

/** workerd and Node implement Headers.getSetCookie(); the workers types do not declare it yet. */
export const setCookies = (response: Response): string[] =>
  (response.headers as unknown as { getSetCookie(): string[] }).getSetCookie();

/**
 * A minimal cookie jar: what a browser would send back to the worker's host. Enough to
 * follow one reader across pages in workerd tests (the Chromium journeys use a real one).
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  take(response: Response): void {
    for (const line of setCookies(response)) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) => /max-age=0\b/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}

/** The value a response sets for one cookie (null when it sets none, or clears it). */
export function cookieFrom(response: Response, name: string): string | null {
  for (const line of setCookies(response)) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    if (pair.slice(0, at) === name) return pair.slice(at + 1) || null;
  }
  return null;
}
