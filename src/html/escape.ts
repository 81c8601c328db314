/**
 * HTML escaping for every page and fragment the worker writes (the prompt, the message and
 * sign-in pages, the error page, the code e-mail, the dev outbox). Everything that reaches
 * markup from configuration or the request goes through `escapeHtml`.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in text and in double- or single-quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}
