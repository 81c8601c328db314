import { escapeHtml as e } from './escape';

/**
 * The frame of the small, self-contained pages the worker itself shows (checkout return
 * states, sign-in, form errors): no scripts, no external assets.
 */

/** The frame of every page: `main` is trusted markup its caller built from escaped values. */
export function pageShell(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${e(title)}</title>
    <style>
      body { font: 18px/1.5 Georgia, serif; color: #1a1a1a; background: #fafaf7; margin: 0; }
      main { max-width: 34rem; margin: 10vh auto; padding: 2rem; background: #fff; border-top: 4px solid #0b5394; }
      h1 { font-size: 1.5rem; margin-top: 0; }
      a { color: #0b5394; font-weight: bold; }
      label { display: block; font-weight: bold; margin: 1rem 0 .25rem; }
      input[type=email], input[type=text] { font: inherit; width: 100%; box-sizing: border-box; padding: .5rem; border: 2px solid #555; border-radius: 4px; }
      input:focus, button:focus, a:focus { outline: 3px solid #f1c232; outline-offset: 2px; }
      button { font: inherit; font-weight: bold; margin-top: 1rem; padding: .6rem 1.2rem; color: #fff; background: #0b5394; border: 0; border-radius: 4px; cursor: pointer; }
      .pw-error { color: #8b0000; font-weight: bold; }
      .pw-hint { color: #444; font-size: .9em; }
      @media (max-width: 30rem) { main { margin: 0; padding: 1.25rem; } }
    </style>
  </head>
  <body>
    <main>
      ${main}
    </main>
  </body>
</html>`;
}

/**
 * Every link on these pages leads back into the site: a path with one leading slash. Callers
 * pass parsed return paths already; this keeps a future caller from linking anywhere else
 * (`javascript:`, `//host`, `/\host`).
 */
export function onSiteHref(href: string): string {
  return /^\/(?![/\\])/.test(href) && !/[\p{Cc}\s]/u.test(href) ? href : '/';
}
