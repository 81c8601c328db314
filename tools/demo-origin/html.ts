// Escaping and formatting shared by every page. No Node imports, so tests in workerd can
// use the same escaping to look for a paragraph exactly as it appears in the HTML.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value → HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * A value → JSON safe inside a <script> element. `<` is escaped so no string can close the
 * script (`</script>`) or open a comment; U+2028/2029 are escaped for old JS parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** One string's JSON form without its quotes, for streaming a long string piece by piece. */
export function jsonStringPiece(text: string): string {
  return jsonForScript(text).slice(1, -1);
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** "2026-11-03T07:30:00Z" → "3 November 2026" (UTC, so the page is the same everywhere). */
export function longDate(iso: string): string {
  return LONG_DATE.format(new Date(iso));
}

/** The first sentence of a paragraph, for teasers. Falls back to the whole paragraph. */
export function firstSentence(paragraph: string): string {
  const match = /^.+?[.!?](?=\s+[A-Z“"‘]|$)/u.exec(paragraph);
  return match ? match[0] : paragraph;
}
