import { escapeHtml as e } from '../prompt/format';

/**
 * Small, self-contained pages the worker itself shows (checkout return states, form errors).
 * Every value is escaped; no scripts.
 */
export function messagePage(
  title: string,
  message: string,
  link: { href: string; label: string },
): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${e(title)}</title>
    <style>
      body { font: 18px/1.5 Georgia, serif; color: #1a1a1a; background: #fafaf7; margin: 0; }
      main { max-width: 34rem; margin: 10vh auto; padding: 2rem; background: #fff; border-top: 4px solid #0b5394; }
      h1 { font-size: 1.5rem; margin-top: 0; }
      a { color: #0b5394; font-weight: bold; }
    </style>
  </head>
  <body>
    <main>
      <h1>${e(title)}</h1>
      <p>${e(message)}</p>
      <p><a href="${e(onSiteHref(link.href))}">${e(link.label)}</a></p>
    </main>
  </body>
</html>`;
}

/**
 * Every link on these pages leads back into the site: a path with one leading slash. Callers
 * pass parsed return paths already; this keeps a future caller from linking anywhere else
 * (`javascript:`, `//host`, `/\host`).
 */
function onSiteHref(href: string): string {
  return /^\/(?![/\\])/.test(href) && !/[\p{Cc}\s]/u.test(href) ? href : '/';
}
