import { READER_COOKIE } from '../../src/contract/cookies';
import type { CookieJar } from './cookie-jar';

/**
 * How many articles the reader behind `jar` has used, asked straight at the service at
 * `serviceUrl` (with the local development key) by a peek of a fresh article, which counts
 * nothing. 0 for a reader with no id yet. Workerd-free: the Node suites use it too.
 */
export async function meterUsed(serviceUrl: string, jar: CookieJar): Promise<number> {
  const id = jar.get(READER_COOKIE);
  if (!id) return 0;
  const response = await fetch(new URL('/_paywall/v1/access', serviceUrl), {
    method: 'POST',
    headers: { authorization: 'Bearer local-dev-key', 'content-type': 'application/json' },
    body: JSON.stringify({
      article: { id: `meter-probe/${crypto.randomUUID()}` },
      reader: { id },
      consume: false,
    }),
  });
  const body = (await response.json()) as { meter: { used: number } | null };
  if (!body.meter) throw new Error(`no meter: ${JSON.stringify(body)}`);
  return body.meter.used;
}
