import type { Context } from 'hono';
import { decide } from '../access/decide';
import { AppError, errorResponse } from '../errors';
import type { AppEnv } from '../http/context';
import {
  clearEntitlementCookie,
  readCookie,
  setEntitlementCookie,
  setReaderCookie,
} from '../http/cookies';
import { safeReturnPath } from '../http/return-to';
import { classifyPath } from '../proxy/classify';
import { isVerifiedCrawlerRequest } from '../proxy/crawler';
import { stripFeed } from '../proxy/feed';
import { originRequest, passThroughHeaders } from '../proxy/origin';
import { renderArticle } from '../proxy/page';

/**
 * Every path that is not ours goes to the origin. Article pages are decided first (one
 * meter command for an anonymous reader, none for a subscriber) and rewritten as they
 * stream; everything else passes through untouched and streamed.
 */
export async function proxyToOrigin(c: Context<AppEnv>): Promise<Response> {
  const services = c.var.services;
  const originUrl = services.originUrl;
  if (!originUrl) return errorResponse(c, new AppError('not_found', 'No such route.'));
  const url = new URL(c.req.url);
  const page = classifyPath(url.pathname, services.config.proxy);
  const request = c.req.raw;
  const isRead = request.method === 'GET' || request.method === 'HEAD';

  if (!isRead || page.kind === 'other')
    return passThrough(await fetchOrigin(request, originUrl, 0));
  if (page.kind === 'feed')
    return stripFeed(
      await fetchOrigin(request, originUrl, services.config.proxy.originCacheSeconds),
    );

  const origin = await fetchOrigin(request, originUrl, services.config.proxy.originCacheSeconds);
  // Only a real article page is metered: a 404 or a redirect costs the reader nothing.
  if (origin.status !== 200 || !/text\/html/i.test(origin.headers.get('content-type') ?? '')) {
    return passThrough(origin);
  }

  const { decision, reader, entitlement } = await decide(
    services,
    {
      article: { id: page.articleId, url: `${url.origin}${page.canonicalPath}` },
      reader: { id: readCookie(c, 'paywall_rid'), token: readCookie(c, 'paywall_ent') },
      consume: request.method === 'GET',
      verifiedCrawler: isVerifiedCrawlerRequest(request),
    },
    services.now(),
  );

  const rendered = renderArticle(origin, decision, {
    config: services.config,
    returnTo: safeReturnPath(`${page.canonicalPath}${url.search}`) ?? '/',
    url: `${url.origin}${page.canonicalPath}`,
  });
  const response = new Response(rendered.body, {
    status: rendered.status,
    headers: passThroughHeaders(rendered.headers, true),
  });
  // Personalised: never cached by browsers or shared caches.
  response.headers.set('Cache-Control', 'private, no-store');
  response.headers.set('Paywall-Decision', `${decision.access}; reason=${decision.reason}`);
  if (decision.degraded) response.headers.set('Paywall-Degraded', `meter-${decision.degraded}`);
  c.res = response;
  if (reader.issued) setReaderCookie(c, reader.token);
  if ('entitlement' in entitlement && entitlement.entitlement.newToken) {
    setEntitlementCookie(
      c,
      entitlement.entitlement.newToken,
      services.config.entitlements.refreshHorizonDays * 86_400,
    );
  }
  if ('clearToken' in entitlement) clearEntitlementCookie(c);
  return c.res;
}

/** The origin's article HTML is the same for everyone, so the edge may cache it. */
function fetchOrigin(request: Request, originUrl: string, cacheSeconds: number): Promise<Response> {
  const upstream = originRequest(request, originUrl);
  const hasOriginCookies = upstream.headers.has('cookie');
  const cacheable = cacheSeconds > 0 && request.method === 'GET' && !hasOriginCookies;
  return fetch(
    upstream,
    cacheable ? { cf: { cacheEverything: true, cacheTtl: cacheSeconds } } : {},
  );
}

function passThrough(origin: Response): Response {
  return new Response(origin.body, {
    status: origin.status,
    statusText: origin.statusText,
    headers: passThroughHeaders(origin.headers, false),
  });
}
