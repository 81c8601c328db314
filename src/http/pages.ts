import { html } from 'hono/html';

/**
 * Small, self-contained pages the worker itself shows (checkout return states). Text is
 * escaped by hono's `html` tag; no scripts.
 */
export function messagePage(title: string, message: string, link: { href: string; label: string }) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>
      body { font: 18px/1.5 Georgia, serif; color: #1a1a1a; background: #fafaf7; margin: 0; }
      main { max-width: 34rem; margin: 10vh auto; padding: 2rem; background: #fff; border-top: 4px solid #0b5394; }
      h1 { font-size: 1.5rem; margin-top: 0; }
      a { color: #0b5394; font-weight: bold; }
    </style>
  </head>
  <body>
    <main>
      <h1>${title}</h1>
      <p>${message}</p>
      <p><a href="${link.href}">${link.label}</a></p>
    </main>
  </body>
</html>`;
}
