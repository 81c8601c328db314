import { escapeHtml } from './html';
import { SITE_CSS } from './styles';

// The chrome every HTML page shares, as opening and closing pieces rather than a wrapper
// function: the article page streams its head (JSON-LD, hydration data) between them.

export const SITE_NAME = 'The Riverside Courier';

/** Nav order; each links to its group on the index page. */
export const SECTIONS = [
  'world',
  'city',
  'environment',
  'culture',
  'investigations',
  'sport',
  'notices',
] as const;

export function sectionLabel(section: string): string {
  return section.charAt(0).toUpperCase() + section.slice(1);
}

/** `<!doctype …><head>` up to and including the title; the caller adds its own head tags. */
export function headOpen(title: string): string {
  return (
    '<!doctype html><html lang="en"><head>\n' +
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeHtml(title)}</title>\n`
  );
}

/** Closes the head with the stylesheet and opens the body: site header, then `<main>`. */
export function headCloseBodyOpen(): string {
  const nav = SECTIONS.map(
    (section) => `<a href="/#section-${section}">${sectionLabel(section)}</a>`,
  ).join(' ');
  return (
    `<style>\n${SITE_CSS}\n</style>\n</head><body>\n` +
    `<header class="site-header"><a href="/">${SITE_NAME}</a> <nav>${nav}</nav></header>\n` +
    '<main>\n'
  );
}

export function bodyClose(): string {
  return (
    '</main>\n' +
    `<footer><p>© 2026 ${SITE_NAME}. An independent newspaper for Riverside and the Calder ` +
    'valley.</p><p><a href="/feed.xml">RSS feed</a> · <a href="/">Front page</a></p></footer>\n' +
    '</body></html>\n'
  );
}

/** A whole simple page (index, 404): shared chrome around `content`. */
export function simplePage(title: string, content: string): string {
  return headOpen(title) + headCloseBodyOpen() + content + bodyClose();
}
