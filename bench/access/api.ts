import { ACCESS_PATH, SITE_API_KEY } from './shared';

/** The parts of the access answer the bench checks (contract v1, docs/api.md). */
export interface AccessAnswer {
  access: 'granted' | 'denied' | 'peek';
  reason: string;
  reader: { id: string };
  meter: { limit: number; used: number; remaining: number; resetsAt: string } | null;
}

export const ACCESS_HEADERS = {
  authorization: `Bearer ${SITE_API_KEY}`,
  'content-type': 'application/json',
};

export function accessBody(articleId: string, readerId: string | null, consume: boolean): string {
  return JSON.stringify({
    article: { id: articleId },
    ...(readerId === null ? {} : { reader: { id: readerId } }),
    consume,
  });
}

/** One decision; anything but a 200 with the contract's shape throws. */
export async function postAccess(
  baseUrl: string,
  articleId: string,
  readerId: string | null,
  consume = true,
): Promise<AccessAnswer> {
  const res = await fetch(`${baseUrl}${ACCESS_PATH}`, {
    method: 'POST',
    headers: ACCESS_HEADERS,
    body: accessBody(articleId, readerId, consume),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`access answered ${res.status}: ${text.slice(0, 300)}`);
  const answer = JSON.parse(text) as AccessAnswer;
  if (typeof answer.reason !== 'string' || typeof answer.reader?.id !== 'string') {
    throw new Error(`unexpected access answer: ${text.slice(0, 300)}`);
  }
  return answer;
}

/**
 * A pool of signed reader ids, issued the way a site gets them: an access call without an
 * id, peeking (consume: false), so no article is counted yet.
 */
export async function issueReaders(baseUrl: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const worker = async () => {
    while (ids.length < count) {
      const answer = await postAccess(baseUrl, 'bench-issue', null, false);
      ids.push(answer.reader.id);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return ids.slice(0, count);
}
