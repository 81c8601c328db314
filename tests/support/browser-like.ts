import type { CookieJar } from './cookie-jar';
import { BASE } from './worker';

export { CookieJar } from './cookie-jar';

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
