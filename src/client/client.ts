import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../contract/entitlement-token';
import { DECISION_HEADER } from '../contract/headers';
import { PAYWALL_PREFIX } from '../contract/paths';
import { isLoopbackHost } from '../loopback';
import type { AccessRequestInput } from '../schemas/access';
import { askAccessApi } from './api';
import {
  clearAccountCookie,
  clearEntitlementCookie,
  entitlementCookie,
  type PaywallCookies,
  readerCookie,
  readPaywallCookies,
} from './cookies';
import { asPeek, fallbackDecision, type PaywallDecision, subscriberDecision } from './decision';
import { forwardToService } from './forward';

export { isPaywallPath } from './forward';

import { PromptCache, type PromptDecision, type PromptOptions, promptQuery } from './prompt';
import { createTokenVerifier } from './token';

/**
 * What {@link createPaywallClient} needs: where the service is, the site's key, and what to
 * do when the service cannot answer. Only `baseUrl` and `apiKey` are required.
 *
 * @example
 * ```ts
 * const options: PaywallClientOptions = {
 *   baseUrl: 'https://paywall.example.com',
 *   apiKey: env.PAYWALL_API_KEY, // one of the service's SITE_API_KEYS, kept as a secret
 *   onFailure: 'closed', // wall, rather than grant, while the service cannot answer
 * };
 * const paywall = createPaywallClient(options);
 * ```
 */
export interface PaywallClientOptions {
  /**
   * Where the service runs, e.g. `https://paywall.example.com` or `http://127.0.0.1:8787`.
   * Only its origin is used: the service's paths (`/_paywall/…`, `/.well-known/jwks.json`)
   * are absolute. Must be https, except for a loopback address in development.
   */
  baseUrl: string;
  /** A site API key (`SITE_API_KEYS`). Keep it server-side: it never reaches a browser. */
  apiKey: string;
  /** Defaults to `<baseUrl>/.well-known/jwks.json`; a relative URL is resolved against `baseUrl`. */
  jwksUrl?: string;
  /** Used for every call to the service (access, key set, prompt, forward). Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Time limit for one access API call, body included; the key-set and prompt fetches get
   * the same limit. Default 500 ms ({@link DEFAULT_TIMEOUT_MS}). `forward` has its own, 15 s.
   */
  timeoutMs?: number;
  /** Must match the service's `ENTITLEMENT_ISSUER`. Default `urn:edge-paywall`. */
  issuer?: string;
  /** Must match the service's `ENTITLEMENT_AUDIENCE`. Default `urn:edge-paywall:site`. */
  audience?: string;
  /**
   * When the API cannot answer (timeout, network, 5xx, 429, a malformed body): `open` (the
   * service's default) grants, `closed` walls. A refusal (any other 4xx) always walls.
   */
  onFailure?: 'open' | 'closed';
  /**
   * The service's `entitlements.refreshHorizonDays` in seconds: an expired token can still
   * be refreshed this long. Default 30 days (the service's default).
   */
  entitlementCookieMaxAgeSeconds?: number;
  /** How long a fetched JWKS is trusted before it is fetched again. Default 5 minutes. */
  jwksCacheMaxAgeMs?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

/**
 * The article being read, as the access API takes it.
 * - `id` (required, 1–256 characters, no whitespace): what the meter counts. Reading the
 *   same id again in the same month is `already_read` and costs nothing.
 * - `url` (optional, http or https): the service's rules match their path patterns against
 *   its pathname; without it, against `/<id>`.
 * - `section` (optional): for rules that match a section.
 *
 * @example
 * ```ts
 * const article: Article = {
 *   id: 'articles/harbour-lights',
 *   url: 'https://www.example.com/articles/harbour-lights',
 *   section: 'city',
 * };
 * const decision = await paywall.decide(request, article);
 * ```
 */
export type Article = AccessRequestInput['article'];

/**
 * The third argument of `decide`: who the reader is beyond the request's cookies, whether
 * this view counts, and the reader's IP where the platform is not Cloudflare.
 *
 * @example
 * ```ts
 * const opts: DecideOptions = {
 *   userId: session?.userId, // the site's own signed-in user, if any
 *   consume: request.method === 'GET' && !isPrefetchRequest(request),
 * };
 * const decision = await paywall.decide(request, { id: 'articles/harbour-lights' }, opts);
 * ```
 */
export interface DecideOptions {
  /**
   * The site's own signed-in user id: links a subscriber's devices, meters them as one. The
   * service keeps only an HMAC pseudonym of it. A reader signed in through the service's own
   * sign-in pages needs nothing here: the client passes their `__Host-paywall_acct` cookie as
   * `reader.account`. When both are there, the site's user is metered, and the account's
   * support still opens a walled article.
   */
  userId?: string;
  /**
   * `false` peeks without counting a read. The answer is then always `access: 'peek'`
   * (never `granted`, subscribers and fallbacks included): render the lead, not the article.
   */
  consume?: boolean;
  /**
   * The reader's IP, for verified-crawler checks. By default the client reads
   * `CF-Connecting-IP` only when running on Cloudflare (`request.cf` present), where no
   * client can forge it; elsewhere pass the address your platform vouches for.
   */
  ip?: string;
}

/** The default `timeoutMs`: one access API call (and the key-set and prompt fetches), in ms. */
export const DEFAULT_TIMEOUT_MS = 500;
/** Checkout and the portal wait on Stripe: a form post gets longer than a decision. */
const FORWARD_TIMEOUT_MS = 15_000;
const THIRTY_DAYS_SECONDS = 30 * 86_400;
const MAX_USER_AGENT = 1024;

/**
 * What {@link createPaywallClient} returns: `decide`, `prompt` and `forward`. Use it to type
 * a client kept at module scope and made on first use.
 *
 * @example
 * ```ts
 * let paywall: PaywallClient | undefined;
 * function client(env: Env): PaywallClient {
 *   paywall ??= createPaywallClient({ baseUrl: env.PAYWALL_URL, apiKey: env.PAYWALL_API_KEY });
 *   return paywall;
 * }
 * ```
 */
export type PaywallClient = ReturnType<typeof createPaywallClient>;

/**
 * The site's side of the paywall, for its own edge middleware (a Worker, Pages
 * `_middleware`, Next.js `middleware.ts`): the site asks the service about each article view
 * instead of putting the service in front of its pages.
 *
 * Create it once per isolate (module scope, or on first use) and keep it: the JWKS and
 * prompt caches live in it, and the cached key set is what lets a subscriber cost no call.
 *
 * The site must route every `/_paywall/*` request to `forward`, before anything else: the
 * prompt's Subscribe, Contribute and Manage forms, the way back from Stripe Checkout and the
 * sign-in pages ("Get access on this device", registration, sign-out) live there, and the
 * service's `__Host-` cookies must land on the site's own domain. A device signed in there
 * carries `__Host-paywall_acct`, which `decide` passes on as `reader.account`.
 *
 * @see examples/cloudflare-worker (a whole site Worker), examples/pages-middleware (Pages,
 *   walling static HTML as it streams), examples/nextjs-middleware.ts (Next.js).
 *
 * @param {PaywallClientOptions} options - Where the service is and how to treat it.
 * @param {string} options.baseUrl - The service's origin; https, or a loopback address.
 * @param {string} options.apiKey - One of the service's `SITE_API_KEYS`; server-side only.
 * @param {string} [options.jwksUrl='<baseUrl>/.well-known/jwks.json'] - The service's key set.
 * @param {typeof fetch} [options.fetch=fetch] - For every call to the service.
 * @param {number} [options.timeoutMs=500] - Limit for one access call, key-set or prompt fetch.
 * @param {string} [options.issuer='urn:edge-paywall'] - The service's `ENTITLEMENT_ISSUER`.
 * @param {string} [options.audience='urn:edge-paywall:site'] - The service's `ENTITLEMENT_AUDIENCE`.
 * @param {'open' | 'closed'} [options.onFailure='open'] - Grant or wall while the service cannot answer.
 * @param {number} [options.entitlementCookieMaxAgeSeconds=2592000] - The service's refresh horizon, in seconds.
 * @param {number} [options.jwksCacheMaxAgeMs=300000] - How long a fetched key set is trusted.
 * @param {() => Date} [options.now] - The clock, for tests.
 * @returns {PaywallClient} `decide`, `prompt` and `forward`.
 * @throws {Error} When `baseUrl` is neither https nor a loopback address (a `TypeError` when
 *   it is no URL at all): the API key travels with every call.
 *
 * @example
 * ```ts
 * import {
 *   createPaywallClient,
 *   isPaywallPath,
 *   isPrefetchRequest,
 *   type PaywallClient,
 *   showsFullText,
 *   withDecision,
 * } from 'edge-paywall/client';
 *
 * interface Env {
 *   PAYWALL_URL: string; // https://paywall.example.com
 *   PAYWALL_API_KEY: string; // wrangler secret put PAYWALL_API_KEY
 * }
 *
 * let paywall: PaywallClient | undefined; // one per isolate: its key cache keeps subscribers free
 *
 * export default {
 *   async fetch(request: Request, env: Env): Promise<Response> {
 *     paywall ??= createPaywallClient({ baseUrl: env.PAYWALL_URL, apiKey: env.PAYWALL_API_KEY });
 *     // The prompt's forms, the way back from Checkout, the sign-in pages: the service's own.
 *     if (isPaywallPath(request.url)) return paywall.forward(request);
 *
 *     const url = new URL(request.url);
 *     const article = await findArticle(url.pathname); // yours: null when not an article
 *     if (!article) return fetch(request);
 *
 *     const decision = await paywall.decide(
 *       request,
 *       { id: article.id, section: article.section },
 *       { consume: request.method === 'GET' && !isPrefetchRequest(request) },
 *     );
 *     const prompt =
 *       decision.access === 'denied' && decision.source !== 'fallback'
 *         ? await paywall.prompt(decision, { returnTo: url.pathname })
 *         : null;
 *     // yours: the whole article only when showsFullText, else the lead and the prompt
 *     const page = renderArticle(article, showsFullText(decision), prompt);
 *     return withDecision(page, decision);
 *   },
 * } satisfies ExportedHandler<Env>;
 * ```
 *
 * @example
 * ```ts
 * // A service with its own issuer and audience, a shorter refresh horizon, and a wall
 * // rather than a grant while it cannot answer.
 * const paywall = createPaywallClient({
 *   baseUrl: 'https://paywall.example.com',
 *   apiKey: env.PAYWALL_API_KEY,
 *   issuer: 'https://paywall.example.com', // ENTITLEMENT_ISSUER
 *   audience: 'https://www.example.com', // ENTITLEMENT_AUDIENCE
 *   entitlementCookieMaxAgeSeconds: 14 * 86_400, // entitlements.refreshHorizonDays: 14
 *   onFailure: 'closed',
 *   timeoutMs: 800,
 * });
 * ```
 */
export function createPaywallClient(options: PaywallClientOptions) {
  const base = new URL(options.baseUrl);
  // The API key travels with every access call (and vouches for forwarded readers): never
  // in the clear, except to this machine in development.
  if (base.protocol !== 'https:' && !isLoopbackHost(base.hostname)) {
    throw new Error(`baseUrl must be https (or a loopback address): ${base.origin}`);
  }
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? (() => new Date());
  const policy = options.onFailure ?? 'open';
  const cookieMaxAge = options.entitlementCookieMaxAgeSeconds ?? THIRTY_DAYS_SECONDS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const verify = createTokenVerifier({
    jwksUrl: new URL(options.jwksUrl ?? '/.well-known/jwks.json', base),
    issuer: options.issuer ?? DEFAULT_ISSUER,
    audience: options.audience ?? DEFAULT_AUDIENCE,
    fetch: fetchImpl,
    timeoutMs,
    cacheMaxAgeMs: options.jwksCacheMaxAgeMs,
    now,
  });
  const api = {
    url: new URL(`${PAYWALL_PREFIX}/v1/access`, base).toString(),
    apiKey: options.apiKey,
    fetch: fetchImpl,
    timeoutMs,
  };
  const prompts = new PromptCache();
  const clock = () => now().getTime();

  // request → cookies → local token check (a subscriber stops here, no call) → access API
  // → decision + the cookies to set. With `consume: false` every answer is a peek, whoever
  // decided it (the token, the API, the failure policy). Documented on the returned object.
  async function decide(
    request: Request,
    article: Article,
    opts: DecideOptions = {},
  ): Promise<PaywallDecision> {
    const consume = opts.consume ?? true;
    const decision = await ask(request, article, opts, consume);
    return consume ? decision : asPeek(decision);
  }

  async function ask(
    request: Request,
    article: Article,
    opts: DecideOptions,
    consume: boolean,
  ): Promise<PaywallDecision> {
    const cookies = readPaywallCookies(request.headers.get('cookie'));
    if (cookies.token) {
      const entitlement = await verify(cookies.token);
      if (entitlement) return subscriberDecision(entitlement, cookies.readerId);
    }
    const result = await askAccessApi(api, {
      article,
      reader: readerInput(request, cookies, opts),
      consume,
    });
    if (!result.ok) {
      // The failure policy covers a service that cannot answer. A refusal (a wrong key, an
      // invalid article) is never a reason to grant, or a reader could provoke one.
      return fallbackDecision(result.refused ? 'closed' : policy, result.failure, cookies.readerId);
    }
    const body = result.body;
    const setCookie: string[] = [];
    if (body.reader.id !== cookies.readerId) setCookie.push(readerCookie(body.reader.id));
    if (body.entitlement?.token)
      setCookie.push(entitlementCookie(body.entitlement.token, cookieMaxAge));
    else if (body.reader.clearToken || cookies.oversizedToken)
      setCookie.push(clearEntitlementCookie());
    if (body.reader.clearAccount === true) setCookie.push(clearAccountCookie());
    return { ...body, source: 'api', setCookie };
  }

  // `GET /_paywall/v1/prompt`, cached per query in this isolate. Documented on the returned
  // object.
  async function prompt(decision: PromptDecision, opts: PromptOptions): Promise<string | null> {
    const url = new URL(
      `${PAYWALL_PREFIX}/v1/prompt?${promptQuery(decision, opts)}`,
      base,
    ).toString();
    const cached = prompts.get(url, clock());
    if (cached !== undefined) return cached;
    try {
      const response = await fetchImpl(url, { signal: AbortSignal.timeout(api.timeoutMs) });
      if (!response.ok) {
        await response.body?.cancel();
        return null;
      }
      const html = await response.text();
      prompts.set(url, html, clock());
      return html;
    } catch {
      return null;
    }
  }

  return {
    /**
     * Decides one article view: may this reader read it, and which cookies to set.
     *
     * A valid entitlement cookie (`__Host-paywall_ent`) is verified here against the service's
     * key set, with no call: `source: 'token'`. Everyone else costs one
     * `POST /_paywall/v1/access` (`source: 'api'`), which carries from the request:
     * - the reader id cookie (`__Host-paywall_rid`) as `reader.id`, and the token;
     * - the account signed in on this device, the `__Host-paywall_acct` cookie that the
     *   service's sign-in pages set, as `reader.account`: a signed-in reader is metered and
     *   unlocked as their account, on every device. This needs nothing from the site but
     *   forwarding `/_paywall/*` (see `forward`), where those pages live;
     * - `opts.userId`, the `User-Agent` (first 1024 characters) and the reader's IP.
     *
     * It does not reject when the service fails. If the service cannot answer in time, the
     * failure policy decides (`onFailure`): `source: 'fallback'`, `reason: 'degraded'`, and
     * `failure` says why. A refusal (a 4xx other than 429: a wrong key, an invalid article)
     * always walls.
     *
     * @param {Request} request - The reader's request, as it reached the middleware.
     * @param {Article} article - `id`, and optionally `url` and `section` for the service's rules.
     * @param {DecideOptions} [opts] - Optional.
     * @param {string} [opts.userId] - The site's own signed-in user id.
     * @param {boolean} [opts.consume=true] - `false` counts nothing and answers `access: 'peek'`.
     * @param {string} [opts.ip] - The reader's IP, where the platform is not Cloudflare.
     * @returns {Promise<PaywallDecision>} The access API's answer (`access`, `reason`, `meter`,
     *   `entitlement`, `reader`) plus `source` and `setCookie`. Show the whole article only
     *   when `showsFullText(decision)`; send the cookies with `withDecision`.
     *
     * @example
     * ```ts
     * const url = new URL(request.url);
     * const decision = await paywall.decide(
     *   request,
     *   { id: url.pathname, url: url.href },
     *   // A prefetch or a HEAD is no read: it counts nothing and gets a peek (the lead only).
     *   { consume: request.method === 'GET' && !isPrefetchRequest(request) },
     * );
     * // yours: the whole article only when showsFullText, else the lead paragraphs
     * const page = renderArticle(url.pathname, showsFullText(decision));
     * return withDecision(page, decision);
     * ```
     *
     * @example
     * ```ts
     * // Next.js middleware (not Cloudflare): pass the address your platform vouches for
     * // (x-real-ip only behind Vercel's proxy, which overwrites it), and the site's own
     * // signed-in user, if any.
     * const decision = await paywall.decide(
     *   request,
     *   { id: url.pathname, url: url.href, section: 'city' },
     *   { ip: request.headers.get('x-real-ip') ?? undefined, userId: session?.userId },
     * );
     * ```
     */
    decide,
    /**
     * The support prompt's HTML fragment for this decision (styles included), for sites that
     * draw the wall themselves: the wall under a walled article's lead, or the support box
     * under a granted one. Only a meter that ran out says "you have read your N free
     * articles"; a premium article gets the plain wall. The fragment is the same for every
     * reader with the same query, so it is cached in this client for 5 minutes.
     *
     * Its forms and links (Subscribe, Contribute, "Get access on this device") point at
     * `/_paywall/*` on the site's own host: forward those with `forward`.
     *
     * @param {PromptDecision} decision - A decision, or just its `access`, `reason` and `meter`.
     * @param {PromptOptions} opts - Required.
     * @param {string} opts.returnTo - The article's same-site path: where the reader comes
     *   back to after checkout or sign-in.
     * @param {'wall' | 'support'} [opts.variant] - Default: `support` for a grant, `wall` for
     *   anything else (a peek too).
     * @returns {Promise<string | null>} The HTML, or null when the service does not answer in
     *   time or with a 2xx: render your own notice then. It never rejects.
     *
     * @example
     * ```ts
     * const decision = await paywall.decide(request, { id: url.pathname });
     * // A peek counted nothing and gets no prompt; a fallback has already waited once.
     * const prompt =
     *   decision.access === 'denied' && decision.source !== 'fallback'
     *     ? await paywall.prompt(decision, { returnTo: url.pathname })
     *     : null;
     * const wall = prompt ?? '<p>Subscribe to read the rest of this article.</p>';
     * // yours: the whole article, or the lead paragraphs followed by `wall`
     * const page = renderArticle(url.pathname, showsFullText(decision), wall);
     * return withDecision(page, decision);
     * ```
     */
    prompt,
    /**
     * Passes a `/_paywall/*` request through to the service and hands its answer back
     * untouched. The site must route all of `/_paywall/*` here, before its own routes: the
     * prompt's checkout and portal forms, the way back from Stripe Checkout, and the sign-in
     * pages (`/_paywall/sign-in…`, `/_paywall/v1/sign-in…`, `/_paywall/v1/sign-out`) live there.
     * Redirects are not followed and `Set-Cookie` comes back as is, so the browser stays on
     * the site's host and the service's `__Host-` cookies (among them `__Host-paywall_acct`,
     * which `decide` then reads) land on the site's own domain.
     *
     * Only our cookies (reader id, entitlement, account, pending sign-in) and a few browser headers go to the
     * service, never the site's own cookies. The reader's IP goes along, vouched for by the
     * site key, so the service's per-IP limits see readers rather than the site.
     *
     * @param {Request} request - A request whose path starts with `/_paywall/` (anything else
     *   is a plain 404, so the site key never goes to another path).
     * @param {{ ip?: string }} [opts] - Optional.
     * @param {string} [opts.ip] - The reader's IP, as for `decide`: on Cloudflare it is read
     *   from `CF-Connecting-IP`; elsewhere pass the address your platform vouches for.
     * @returns {Promise<Response>} The service's response. A body over 16 KB is a 413; a
     *   service that does not answer within 15 s, a plain 503 with `Retry-After: 30`.
     *
     * @example
     * ```ts
     * // A Worker or Pages middleware: first thing, before the site's own routes.
     * if (isPaywallPath(request.url)) return paywall.forward(request);
     * ```
     *
     * @example
     * ```ts
     * // Next.js middleware: match /_paywall/* too, and pass the vouched-for address.
     * export const config = { matcher: ['/articles/:path*', '/_paywall/:path*'] };
     * export async function middleware(request: Request): Promise<Response> {
     *   // x-real-ip: trusted only behind Vercel's proxy, which overwrites it
     *   const ip = request.headers.get('x-real-ip') ?? undefined;
     *   if (isPaywallPath(request.url)) return paywall.forward(request, { ip });
     *   return decideAndRender(request, { ip }); // yours: decide as usual
     * }
     * ```
     */
    forward: (request: Request, opts: { ip?: string } = {}) =>
      forwardToService(request, readerIp(request, opts), {
        base,
        apiKey: options.apiKey,
        fetch: fetchImpl,
        timeoutMs: FORWARD_TIMEOUT_MS,
      }),
  };
}

function readerInput(
  request: Request,
  cookies: PaywallCookies,
  opts: DecideOptions,
): AccessRequestInput['reader'] {
  const ip = readerIp(request, opts);
  const userAgent = request.headers.get('user-agent')?.slice(0, MAX_USER_AGENT);
  return {
    id: cookies.readerId,
    token: cookies.token,
    userId: opts.userId,
    account: cookies.account,
    ip,
    userAgent,
  };
}

/**
 * `CF-Connecting-IP` only when running on Cloudflare (`request.cf` is there), where no client
 * can forge it; elsewhere only what the caller vouches for.
 */
function readerIp(request: Request, opts: { ip?: string }): string | undefined {
  const cf = (request as { cf?: unknown }).cf;
  return opts.ip ?? (cf ? request.headers.get('cf-connecting-ip') : null) ?? undefined;
}

/**
 * The decision's cookies on a response, which becomes personal: no shared cache may keep it.
 * Returns a new Response (a fetched one's headers cannot be changed in place) with the same
 * status and body, plus:
 * - each of `decision.setCookie` as a `Set-Cookie` (a new reader id, a refreshed or
 *   cleared entitlement token);
 * - `Cache-Control: private, no-store`;
 * - `Paywall-Decision` (see {@link decisionHeader}), as the service sets it in front of a site.
 *
 * It does not cut the body: build the response from `showsFullText(decision)` (only a grant
 * shows the whole article; a peek and a denial show the lead).
 *
 * @param {Response} response - The page as the site rendered or fetched it.
 * @param {PaywallDecision} decision - What `decide` returned for this request.
 * @returns {Response} A new Response to send instead.
 *
 * @example
 * ```ts
 * const decision = await paywall.decide(request, { id: 'articles/harbour-lights' });
 * const paragraphs = showsFullText(decision) ? article.paragraphs : article.paragraphs.slice(0, 2);
 * const html = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
 * return withDecision(
 *   new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
 *   decision,
 * );
 * ```
 *
 * @example
 * ```ts
 * // Pages middleware: the static page, served whole to a reader granted it.
 * const page = await context.next();
 * if (showsFullText(decision)) return withDecision(page, decision);
 * ```
 */
export function withDecision(response: Response, decision: PaywallDecision): Response {
  const out = new Response(response.body, response);
  for (const cookie of decision.setCookie) out.headers.append('set-cookie', cookie);
  out.headers.set('cache-control', 'private, no-store');
  out.headers.set(DECISION_HEADER, decisionHeader(decision));
  return out;
}

/**
 * The `Paywall-Decision` header value that {@link withDecision} sets: `granted; reason=metered`,
 * `denied; reason=meter_exhausted`, or for a peek `peek; reason=metered; would-be=granted`.
 * Useful for logs and for a response built without `withDecision`.
 *
 * @example
 * ```ts
 * const decision = await paywall.decide(request, { id: url.pathname });
 * console.log(decisionHeader(decision)); // e.g. "denied; reason=meter_exhausted"
 * ```
 */
export function decisionHeader(decision: PaywallDecision): string {
  const head = `${decision.access}; reason=${decision.reason}`;
  return decision.access === 'peek' ? `${head}; would-be=${decision.wouldBe}` : head;
}
