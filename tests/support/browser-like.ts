import { BASE } from './worker';

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
    const lines = (response.headers as unknown as { getSetCookie(): string[] }).getSetCookie();
    for (const line of lines) {
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

export function pageRequest(
  path: string,
  init: { jar?: CookieJar; ip?: string; userAgent?: string; method?: string } = {},
): Request {
  const headers = new Headers({
    accept: 'text/html',
    'user-agent': init.userAgent ?? 'Mozilla/5.0 (test)',
  });
  if (init.jar?.header()) headers.set('cookie', init.jar.header());
  headers.set('cf-connecting-ip', init.ip ?? '198.51.100.20');
  return new Request(`${BASE}${path}`, {
    method: init.method ?? 'GET',
    headers,
    redirect: 'manual',
  });
}
