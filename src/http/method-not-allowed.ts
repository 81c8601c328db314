import type { Context } from 'hono';
import { AppError } from '../errors';
import { errorResponse } from './error-response';

type RouteEntry = { method: string; path: string };

/**
 * Our own routes answer a known path with the wrong method as 405 with `Allow` (RFC 9110
 * §15.5.6), not 404: the caller learns the path exists and what it takes. Only exact paths
 * count; an unknown path, or one under a wildcard, stays 404. Built from the app's own route
 * list once every route is registered, so a new route is covered without a second list.
 */
export function methodNotAllowed(routes: readonly RouteEntry[], prefix: string) {
  const allowed = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    if (method === 'ALL' || !path.startsWith(`${prefix}/`) || /[*:]/.test(path)) continue;
    const methods = allowed.get(path) ?? new Set<string>();
    methods.add(method);
    // Hono answers HEAD with the GET handler.
    if (method === 'GET') methods.add('HEAD');
    allowed.set(path, methods);
  }
  return (c: Context): Response | undefined => {
    const methods = allowed.get(c.req.path);
    if (!methods) return undefined;
    return errorResponse(
      c,
      new AppError('method_not_allowed', 'Method not allowed on this route.', {
        Allow: [...methods].join(', '),
      }),
    );
  };
}
