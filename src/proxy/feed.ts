/**
 * Full-text feeds would hand out every walled article, so their bodies are removed for
 * everyone (titles, links and dates stay). Feeds are small, so this one transform reads the
 * whole feed; article pages are never buffered.
 *
 * It fails closed: only a complete 200 is stripped and passed on (any other answer leaves
 * with its status and no body; a 206 slice is a 502), whatever the content type says. XML
 * feeds (RSS, Atom, any prefix or case) lose every element whose local name can carry a
 * body: RSS `content:encoded`, Atom `content` and `summary`, XHTML `body`, in CDATA or
 * escaped, nested or not (RSS `description` stays, empty, and without its attributes: the
 * format requires it); a body element left open takes the rest of the feed with it. JSON Feed items keep only fields that carry no body.
 */
const MAX_FEED_BYTES = 5 * 1024 * 1024;
/** `script`: never part of a feed, and where an HTML page served on a feed path keeps text. */
const BODY_ELEMENTS = new Set(['encoded', 'content', 'description', 'summary', 'body', 'script']);
const JSON_ITEM_FIELDS = new Set([
  'id',
  'url',
  'external_url',
  'title',
  'image',
  'banner_image',
  'date_published',
  'date_modified',
  'author',
  'authors',
  'tags',
  'language',
]);

export async function stripFeed(response: Response): Promise<Response> {
  const headers = new Headers(response.headers);
  for (const name of ['content-length', 'etag', 'last-modified', 'content-range', 'accept-ranges'])
    headers.delete(name);
  if (response.status !== 200) {
    await response.body?.cancel();
    return new Response(null, { status: response.status === 206 ? 502 : response.status, headers });
  }
  const text = await response.text();
  if (text.length > MAX_FEED_BYTES) return new Response(null, { status: 502 });
  const stripped = looksLikeJson(text, headers) ? stripJsonFeed(text) : stripXmlFeed(text);
  if (stripped === null) return new Response(null, { status: 502 });
  return new Response(stripped, { status: 200, headers });
}

function looksLikeJson(text: string, headers: Headers): boolean {
  return /json/i.test(headers.get('content-type') ?? '') || /^\s*[{[]/.test(text);
}

/** JSON Feed: each item keeps only fields that cannot carry a body. Unparseable: nothing. */
export function stripJsonFeed(text: string): string | null {
  let feed: unknown;
  try {
    feed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!feed || typeof feed !== 'object' || Array.isArray(feed)) return null;
  const record = { ...(feed as Record<string, unknown>) };
  const items = Array.isArray(record.items) ? record.items : [];
  record.items = items.map((item) => {
    if (!item || typeof item !== 'object') return {};
    return Object.fromEntries(
      Object.entries(item as Record<string, unknown>).filter(([key]) => JSON_ITEM_FIELDS.has(key)),
    );
  });
  // Top-level prose fields could be a body too; feeds keep their title and links.
  delete record.description;
  return JSON.stringify(record);
}

/**
 * One pass over the feed's markup: CDATA sections, comments and declarations are read whole
 * (a `</description>` inside CDATA is text, not an end tag), so a body element's content is
 * skipped exactly up to its own end tag.
 */
const TOKEN =
  /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)|<\?[\s\S]*?(?:\?>|$)|<!(?:[^>"']|"[^"]*"|'[^']*')*>?|<\/?([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</g;

export function stripXmlFeed(text: string): string {
  let out = '';
  /** The qualified name of the body element being skipped, and how deep in it we are. */
  let skipping: string | null = null;
  let depth = 0;
  /** RSS requires a description, so it stays, empty; other body elements go whole. */
  let keepEndTag = false;
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const name = match[1];
    if (token.startsWith('<!--')) continue; // comments can carry text: dropped everywhere
    // A `<` that opens nothing this scanner knows (an unbalanced quote in a tag, say): what
    // follows cannot be placed, so it is dropped.
    if (token === '<') break;
    if (name === undefined) {
      if (skipping === null) out += token;
      continue;
    }
    const lowerName = name.toLowerCase();
    const closing = token.startsWith('</');
    const selfClosing = !closing && /\/\s*$/.test(match[2] ?? '');
    if (skipping !== null) {
      if (lowerName !== skipping || selfClosing) continue;
      depth += closing ? -1 : 1;
      if (depth > 0) continue;
      skipping = null;
      if (keepEndTag) out += token;
      continue;
    }
    const local = lowerName.slice(lowerName.lastIndexOf(':') + 1);
    if (closing || !BODY_ELEMENTS.has(local)) {
      out += token;
      continue;
    }
    keepEndTag = local === 'description';
    if (keepEndTag) out += selfClosing ? token : `<${name}>`;
    if (!selfClosing) {
      skipping = lowerName;
      depth = 1;
    }
  }
  return out;
}
