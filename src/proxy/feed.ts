/**
 * Full-text feeds would hand out every walled article, so their bodies are removed for
 * everyone (titles, links and summaries stay). Feeds are small, so this one transform reads
 * the whole feed; article pages are never buffered.
 */
const MAX_FEED_BYTES = 5 * 1024 * 1024;
const FULL_TEXT = /<content:encoded>[\s\S]*?<\/content:encoded>/g;

export async function stripFeed(response: Response): Promise<Response> {
  const text = await response.text();
  if (text.length > MAX_FEED_BYTES) return new Response('Feed too large', { status: 502 });
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('etag');
  return new Response(text.replace(FULL_TEXT, ''), { status: response.status, headers });
}
