import { escapeHtml as e } from '../html/escape';

/**
 * One part of the dashboard: a `<section>` named by its heading, which is the question it
 * answers in plain words. `body` is trusted markup its caller built from escaped values.
 */
export function section(id: string, heading: string, body: string): string {
  return `<section aria-labelledby="${e(id)}"><h2 id="${e(id)}">${e(heading)}</h2>${body}</section>`;
}

/** A paragraph of plain text, escaped. */
export function para(text: string): string {
  return `<p>${e(text)}</p>`;
}

/** "1 payment", "2 payments". */
export function plural(n: number, one: string, other: string): string {
  return n === 1 ? one : other;
}
