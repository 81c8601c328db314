import { PAYWALL_PREFIX } from '../contract/paths';

/**
 * The API docs page: Swagger UI, pinned (`swagger-ui-dist` in package.json, copied by
 * tools/scripts/vendor-swagger-ui.ts) and served by this worker from its static assets. Nothing on
 * the page comes from another host, and its policy forbids it: the page shares the site's
 * origin, so a script from elsewhere would run with the site's cookies in reach.
 */
export const DOCS_ASSETS_PREFIX = `${PAYWALL_PREFIX}/docs/`;

/** Where the page's own files are, under the assets directory (public/). */
export const DOCS_FILES = {
  script: `${DOCS_ASSETS_PREFIX}swagger-ui/swagger-ui-bundle.js`,
  styles: `${DOCS_ASSETS_PREFIX}swagger-ui/swagger-ui.css`,
  init: `${DOCS_ASSETS_PREFIX}init.js`,
} as const;

/**
 * The only paths the assets answer for: the page's files and Swagger UI's licence texts,
 * spelled exactly so. No other spelling (`//`, `%2f`, a case change) reaches the assets.
 */
export const DOCS_ASSET_PATHS: ReadonlySet<string> = new Set([
  ...Object.values(DOCS_FILES),
  ...['LICENSE', 'NOTICE', 'swagger-ui-bundle.js.LICENSE.txt'].map(
    (file) => `${DOCS_ASSETS_PREFIX}swagger-ui/${file}`,
  ),
]);

/**
 * Only this worker's own files, and only what Swagger UI does: no inline script (the
 * initialiser is a file), no frames, no forms, no plugins. `img-src data:` is for the icons
 * inside swagger-ui.css; inline styles are not needed (React sets styles through the DOM).
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers for the page and for its files. */
export const DOCS_HEADERS = {
  'Content-Security-Policy': DOCS_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export function docsPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${DOCS_FILES.styles}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_FILES.script}"></script>
<script src="${DOCS_FILES.init}"></script>
</body>
</html>
`;
}
