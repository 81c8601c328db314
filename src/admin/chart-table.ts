import { escapeHtml as e } from '../html/escape';

/**
 * The numbers behind each chart, as a real table shown under it (not visually hidden): a
 * screen reader, a 320 px phone and a copy-paste all get them. A wide table scrolls inside its
 * own box; that box is focusable and named by the caption, so a keyboard can scroll it too
 * (axe's scrollable-region-focusable).
 */
export interface DataTable {
  /** Unique in the page (trusted). */
  id: string;
  caption: string;
  head: readonly string[];
  /** Plain text cells; the first cell of a row is its header. Everything is escaped here. */
  rows: readonly (readonly string[])[];
}

export function dataTable(table: DataTable): string {
  const caption = `${table.id}-caption`;
  const head = table.head.map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const rows = table.rows
    .map(
      ([first = '', ...rest]) =>
        `<tr><th scope="row">${e(first)}</th>${rest.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="pw-scroll" role="region" aria-labelledby="${e(caption)}" tabindex="0"><table><caption id="${e(caption)}">${e(table.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
