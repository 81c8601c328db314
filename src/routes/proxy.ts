import type { Context } from 'hono';
import { decide } from '../access/decide';
import type { Decision } from '../access/policy';
import { DECISION_HEADER, DEGRADED_HEADER } from '../contract/headers';
import { AppError } from '../errors';
import { assignVariant } from '../experiments/assign';
import type { AppEnv } from '../http/context';
import {
  clearCookie,
  clearEntitlementCookie,
  readCookie,
  setEntitlementCookie,
  setReaderCookie,
} from '../http/cookies';
import { errorResponse } from '../http/error-response';
import { safeReturnPath } from '../http/return-to';
import { promptIdentity } from '../identity/prompt-identity';
import { logEvent } from '../log';
import { classifyPath, type PageKind } from '../proxy/classify';
import { isVerifiedCrawlerRequest } from '../proxy/crawler';
import { stripFeed } from '../proxy/feed';
import { type HeaderPolicy, originRequest, passThroughHeaders, upstreamUrl } from '../proxy/origin';
import { renderArticle } from '../proxy/page';
import { countView } from '../stats/count-view';

/**
 * Every path that is not ours goes to the origin, and only to the origin (a path naming
 * another host is a 400 and fetches nothing). Article pages are decided first (one meter
 * command for an anonymous reader, none for a subscriber) and rewritten as they stream;
 * feeds are stripped; everything else passes through untouched and streamed.
 */
export async function proxyToOrigin(c: Context<AppEnv>): Promise<Response> {
  const services = c.var.services;
  const originUrl = services.deployment.originUrl;
  if (!originUrl) return errorResponse(c, new AppError('not_found', 'No such route.'));
  if (!upstreamUrl(c.req.url, originUrl))
    return errorResponse(c, new AppError('invalid_request', 'This path cannot be served.'));
  const url = new URL(c.req.url);
  const proxy = services.config.proxy;
  const page = classifyPath(url.pathname, proxy);
  const request = c.req.raw;

  const limit = { timeoutSeconds: proxy.originTimeoutSeconds, requestId: c.get('requestId') };
  if (page.kind === 'other') return passThrough(await fetchOrigin(request, originUrl, 0, limit));
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const passes =
      page.kind === 'article' &&
      proxy.methodPassThroughPaths.some((p) => p.regex.test(url.pathname));
    if (passes) return passThrough(await fetchOrigin(request, originUrl, 0, limit));
    // OPTIONS too: an article or a feed is only ever read.
    return errorResponse(
      c,
      new AppError('method_not_allowed', 'This page can only be read (GET or HEAD).', {
        Allow: 'GET, HEAD',
      }),
    );
  }
  const origin = await fetchOrigin(
    request,
    originUrl,
    proxy.originCacheSeconds,
    limit,
    'allowlist',
  );
  if (page.kind === 'feed') return stripFeed(origin);
  return articleResponse(c, page, origin);
}

/**
 * Whatever the origin answers on an article path is walled or granted, never passed through
 * as it is: a slice (206) is refused, a redirect loses its body, an answer that is not a
 * complete HTML page costs nothing (a peek) but is still walled when the reader is denied,
 * and a body the wall cannot rewrite (not HTML) is withheld from a denied reader.
 */
async function articleResponse(
  c: Context<AppEnv>,
  page: Extract<PageKind, { kind: 'article' }>,
  origin: Response,
): Promise<Response> {
  const services = c.var.services;
  const request = c.req.raw;
  const url = new URL(c.req.url);
  if (origin.status === 206 || origin.headers.has('content-range')) {
    await origin.body?.cancel();
    return errorResponse(
      c,
      new AppError('service_unavailable', 'The site answered with part of a page.'),
    );
  }
  if (origin.status >= 300 && origin.status < 400) {
    await origin.body?.cancel();
    return withoutBody(origin);
  }
  // Only a real article page is counted: a 404 or an error page costs the reader nothing.
  const complete = origin.status === 200;
  const now = services.now();
  const decided = await decide(
    services,
    {
      article: { id: page.articleId, url: `${url.origin}${page.canonicalPath}` },
      reader: {
        id: readCookie(c, 'paywall_rid'),
        token: readCookie(c, 'paywall_ent'),
        account: readCookie(c, 'paywall_acct'),
      },
      consume: complete && request.method === 'GET',
      verifiedCrawler: isVerifiedCrawlerRequest(request),
    },
    now,
  );
  const { decision, reader, entitlement } = decided;
  const experiment = assignVariant(reader.rawId, services.config.experiment);
  countView(services.stats, experiment?.id, decided, now);
  const decisionHeader = `${decision.access}; reason=${decision.reason}`;
  const granted = wouldGrant(decision);

  let response: Response;
  if (!isHtmlLike(origin.headers.get('content-type'))) {
    if (!granted) {
      await origin.body?.cancel();
      const refused = errorResponse(
        c,
        new AppError('forbidden', 'This article is for subscribers.', {
          [DECISION_HEADER]: decisionHeader,
        }),
      );
      return refused;
    }
    response = passThrough(origin);
  } else if (!complete && granted) {
    response = passThrough(origin);
  } else {
    const rendered = renderArticle(origin, decision, {
      config: services.config,
      returnTo: safeReturnPath(`${page.canonicalPath}${url.search}`) ?? '/',
      url: `${url.origin}${page.canonicalPath}`,
      identity: promptIdentity(services, reader.accountKey !== undefined),
      experiment,
    });
    // A counted page carries a prompt, except for a verified crawler (src/proxy/page.ts); a
    // subscriber's is not counted as asked of them (it would dilute the conversion rates).
    const prompted = decision.reason !== 'verified_crawler' && decision.reason !== 'subscriber';
    if (decision.access !== 'peek' && prompted) {
      services.stats.prompt(granted ? 'support' : 'wall', experiment?.id, now);
    }
    response = new Response(rendered.body, {
      status: rendered.status,
      headers: passThroughHeaders(rendered.headers, true),
    });
  }
  // Personalised: never cached by browsers or shared caches.
  response.headers.set('Cache-Control', 'private, no-store');
  response.headers.set(DECISION_HEADER, decisionHeader);
  if (decision.degraded) response.headers.set(DEGRADED_HEADER, `meter-${decision.degraded}`);
  c.res = response;
  // A page that was not counted leaves no cookie behind either.
  if (!complete) return c.res;
  // A new id, or the same one carrying a new meter state (src/meter/carried.ts).
  if (reader.id !== readCookie(c, 'paywall_rid')) setReaderCookie(c, reader.id);
  if ('entitlement' in entitlement && entitlement.entitlement.newToken) {
    setEntitlementCookie(
      c,
      entitlement.entitlement.newToken,
      services.config.entitlements.refreshHorizonDays * 86_400,
    );
  }
  if ('clearToken' in entitlement) clearEntitlementCookie(c);
  if (reader.accountEnded) clearCookie(c, 'paywall_acct');
  return c.res;
}

/**
 * An outright grant, or a peek that would be one. Anything else, including an answer shape
 * this code does not know, is treated as denied.
 */
function wouldGrant(decision: Decision): boolean {
  const d = decision as { access: string; wouldBe?: string };
  return d.access === 'granted' || (d.access === 'peek' && d.wouldBe === 'granted');
}

/**
 * What the wall can rewrite: HTML and XHTML, and an answer with no type at all (a browser
 * sniffs it as HTML). Any other type is not rewritable, so a denied reader gets no body.
 */
function isHtmlLike(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' || type === 'text/html' || type === 'application/xhtml+xml';
}

/** Seconds a reader is asked to wait after the origin did not answer (Retry-After). */
const ORIGIN_RETRY_AFTER_SECONDS = 30;

/**
 * The edge may cache article HTML and feeds (the same for everyone, built from an allowlist).
 * The origin has `timeoutSeconds` to send its status and headers; an origin that does not
 * (hung, refused, reset before answering) is a 503 with Retry-After, thrown before any access
 * decision, so the reader is charged nothing for a page that never came. After the headers,
 * the same limit applies to each silence in the body (withIdleLimit).
 */
async function fetchOrigin(
  request: Request,
  originUrl: string,
  cacheSeconds: number,
  limit: { timeoutSeconds: number; requestId: string | undefined },
  policy: HeaderPolicy = 'pass-through',
): Promise<Response> {
  const upstream = originRequest(request, originUrl, policy);
  const hasOriginCookies = upstream.headers.has('cookie');
  const cacheable = cacheSeconds > 0 && request.method === 'GET' && !hasOriginCookies;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limit.timeoutSeconds * 1000);
  let response: Response;
  try {
    response = await fetch(upstream, {
      signal: controller.signal,
      ...(cacheable ? { cf: { cacheEverything: true, cacheTtl: cacheSeconds } } : {}),
    });
  } catch (error) {
    const timedOut = controller.signal.aborted;
    logEvent('warn', 'origin_unavailable', {
      requestId: limit.requestId,
      reason: timedOut ? 'timeout' : 'fetch_failed',
      error: error instanceof Error ? error.name : 'unknown',
    });
    throw new AppError(
      'service_unavailable',
      timedOut ? 'The site did not answer in time.' : 'The site could not be reached.',
      { 'Retry-After': String(ORIGIN_RETRY_AFTER_SECONDS) },
    );
  } finally {
    clearTimeout(timer);
  }
  if (!response.body) return response;
  return new Response(withIdleLimit(response.body, limit), response);
}

/**
 * The origin's body as it streams, broken off when the origin sends nothing for
 * `timeoutSeconds` while we wait on it: a page that stalls halfway ends (the reader's
 * connection breaks, as for an origin that resets) instead of hanging. Only time spent waiting
 * on the origin counts; a slow reader holding back the stream does not.
 */
function withIdleLimit(
  body: ReadableStream<Uint8Array>,
  limit: { timeoutSeconds: number; requestId: string | undefined },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('origin_stalled')), limit.timeoutSeconds * 1000);
      });
      try {
        const { value, done } = await Promise.race([reader.read(), stalled]);
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        const timedOut = error instanceof Error && error.message === 'origin_stalled';
        logEvent('warn', 'origin_body_broken', {
          requestId: limit.requestId,
          reason: timedOut ? 'stalled' : 'read_failed',
        });
        reader.cancel().catch(() => {});
        controller.error(error);
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

function passThrough(origin: Response): Response {
  return new Response(origin.body, {
    status: origin.status,
    statusText: origin.statusText,
    headers: passThroughHeaders(origin.headers, false),
  });
}

function withoutBody(origin: Response): Response {
  return new Response(null, {
    status: origin.status,
    statusText: origin.statusText,
    headers: passThroughHeaders(origin.headers, true),
  });
}
