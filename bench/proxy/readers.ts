import { issueReaders } from '../access/api';
import { timedGet } from '../support/timed-get';
import { returningPage, rewrittenPage } from './checks';
import { articleUrlPath, READER_COOKIE } from './shared';

/**
 * Returning readers for the load's Redis-asking scenario: reader ids issued the way a site
 * gets them (an access call that only peeks, so the id carries no meter state), each then
 * reading the bench article once through the proxy, so Redis holds its counted set. Sent
 * back as they were issued, every later read of the article is the meter script's
 * `already_read`: one Redis round trip, like any reader whose id carries no state (an id
 * from before the carried meter, a new month, a changed configuration). Throws unless
 * every read is answered as expected.
 */
export async function primeReturningReaders(
  baseUrl: string,
  opts: { count: number; kb: number },
): Promise<string[]> {
  const readers = await issueReaders(baseUrl, opts.count);
  const url = `${baseUrl}${articleUrlPath(opts.kb)}`;
  const read = async (reader: string) => {
    const r = await timedGet(url, {
      headers: { 'accept-encoding': 'identity', cookie: `${READER_COOKIE}=${reader}` },
      keepBody: true,
    });
    const decision = r.headers['paywall-decision'];
    return { status: r.status, body: r.body ?? '', decision: [decision].flat()[0] };
  };
  for (const [i, reader] of readers.entries()) {
    const first = await read(reader);
    const check = first.status === 200 ? rewrittenPage(first.body, first.decision) : undefined;
    if (!check?.ok) {
      throw new Error(`returning reader ${i}: first read ${first.status} ${check?.label ?? ''}`);
    }
  }
  const again = await read(readers[0] ?? '');
  const check = returningPage(again.body, again.decision);
  if (again.status !== 200 || !check.ok) {
    throw new Error(`returning reader: second read ${again.status} ${check.label}`);
  }
  return readers;
}
