import { describe, expect, it } from 'vitest';
import pinned from '../../node_modules/swagger-ui-dist/package.json';
import packageBundle from '../../node_modules/swagger-ui-dist/swagger-ui-bundle.js?raw';
import project from '../../package.json';
import { BASE, callWorker } from '../support/worker';

// Issue #10 item 10: the docs page loads nothing from another host. Swagger UI is pinned
// (an exact version in package.json), copied into public/ by tools/scripts/vendor-swagger-ui.ts
// and served by the worker itself from its static assets, under a CSP that allows only itself.

const get = (path: string) => callWorker(new Request(`${BASE}${path}`));

/** Every src/href on the page, and the bodies of its inline scripts. */
function references(html: string) {
  const urls = [...html.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map(
    (m) => m[1] as string,
  );
  const inline = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((m) => (m[1] as string).trim())
    .filter(Boolean);
  return { urls, inline };
}

describe('the API docs page', () => {
  // Byte-for-byte against the package: tests/e2e/openapi.e2e.ts (in Node, which reads files;
  // the workerd pool imports CSS as empty text).
  it('pins Swagger UI to an exact version', () => {
    expect(project.devDependencies['swagger-ui-dist']).toBe(pinned.version);
    expect(pinned.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('references only files the worker serves, with a policy that allows nothing else', async () => {
    const page = await get('/_paywall/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).not.toMatch(/https?:|\/\/[a-z0-9]/i);
    const { urls, inline } = references(html);
    expect(inline).toEqual([]);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) {
      expect(url, url).toMatch(/^\/_paywall\/docs\/[\w./-]+$/);
      const file = await get(url);
      expect(file.status, url).toBe(200);
      expect(file.headers.get('content-security-policy'), url).toBe(csp);
      expect(file.headers.get('x-content-type-options'), url).toBe('nosniff');
      const type = file.headers.get('content-type') ?? '';
      expect(type, url).toMatch(url.endsWith('.css') ? /^text\/css/ : /javascript/);
      const body = await file.text();
      if (url.endsWith('swagger-ui-bundle.js')) expect(body === packageBundle).toBe(true);
      if (url.endsWith('swagger-ui.css')) expect(body).toMatch(/^\.swagger-ui\{/);
    }
  });

  it('starts Swagger UI from a file, on this document, without its remote validator', async () => {
    const init = await (await get('/_paywall/docs/init.js')).text();
    expect(init).toContain("url: '/_paywall/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });

  // The assets directory answers for its own files under /_paywall/docs/ and nothing else:
  // no other path of the site, no file outside it, no spelling that reaches one.
  const hostile: [string, string][] = [
    ['a source map not shipped', '/_paywall/docs/swagger-ui/swagger-ui-bundle.js.map'],
    ['the folder itself', '/_paywall/docs/swagger-ui/'],
    ['the docs folder with a slash', '/_paywall/docs/'],
    ['encoded slash', '/_paywall/docs/swagger-ui%2fswagger-ui.css'],
    ['a double slash', '/_paywall/docs//init.js'],
    ['upper case', '/_paywall/docs/INIT.JS'],
    ['a trailing slash', '/_paywall/docs/init.js/'],
    ['a NUL byte', '/_paywall/docs/init.js%00'],
    ['an index page', '/_paywall/docs/index.html'],
    ['the assets root', '/_paywall/docs/_paywall/docs/init.js'],
    ['a file of the repo', '/_paywall/docs/package.json'],
    ['an encoded letter', '/_paywall/docs/%69nit.js'],
    ['a semicolon parameter', '/_paywall/docs/init.js;.css'],
    ['the package files not shipped', '/_paywall/docs/swagger-ui/index.html'],
    [
      'the standalone preset not shipped',
      '/_paywall/docs/swagger-ui/swagger-ui-standalone-preset.js',
    ],
  ];
  it.each(hostile)('%s (%s) is a 404 envelope', async (_, path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.requestId).toBeTruthy();
  });

  // Paths of the site that name a docs file: the origin answers them, never the assets.
  it.each([
    '/init.js',
    '/swagger-ui/swagger-ui.css',
    '/_paywall/docs/../../init.js',
    '/_paywall/docs/%2e%2e/%2e%2e/init.js',
    '/_paywall/docs/../../wrangler.toml',
    '/public/_paywall/docs/init.js',
  ])('%s is not served from the docs assets', async (path) => {
    const response = await get(path);
    const body = await response.text();
    expect(body).not.toContain('SwaggerUIBundle');
    expect(body).not.toContain('.swagger-ui');
  });
});
