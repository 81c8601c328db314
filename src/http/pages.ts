import { escapeHtml as e } from '../html/escape';
import { onSiteHref, pageShell } from '../html/page';

/**
 * A message page the routes show (checkout return states, form errors): a title, a message
 * and one way on. Every value is escaped; the frame is src/html/page.ts.
 */
export function messagePage(
  title: string,
  message: string,
  link: { href: string; label: string },
): string {
  return pageShell(
    title,
    `<h1>${e(title)}</h1>
      <p>${e(message)}</p>
      <p><a href="${e(onSiteHref(link.href))}">${e(link.label)}</a></p>`,
  );
}
