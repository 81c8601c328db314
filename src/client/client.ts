import { isLoopbackHost } from '../loopback';
import type { AccessRequestInput } from '../schemas/access';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../schemas/entitlement-token';
import { askAccessApi } from './api';
import {
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

export interface PaywallClientOptions {
  /** Where the service runs, e.g. `https://paywall.example.com` or `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A site API key (`SITE_API_KEYS`). Keep it server-side: it never reaches a browser. */
  apiKey: string;
  /** Defaults to `<baseUrl>/.well-known/jwks.json`. */
  jwksUrl?: string;
  fetch?: typeof fetch;
  /** Time limit for one access API call, body included. Default 500 ms. */
  timeoutMs?: number;
  /** Must match the service's `ENTITLEMENT_ISSUER` / `ENTITLEMENT_AUDIENCE`. */
  issuer?: string;
  audience?: string;
  /** When the API cannot answer: `open` (the service's default) grants, `closed` walls. */
  onFailure?: 'open' | 'closed';
  /** The service's `entitlements.refreshHorizonDays` in seconds: an expired token can still be refreshed this long. */
  entitlementCookieMaxAgeSeconds?: number;
  /** How long a fetched JWKS is trusted before it is fetched again. Default 5 minutes. */
  jwksCacheMaxAgeMs?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

export type Article = AccessRequestInput['article'];

export interface DecideOptions {
  /** The site's own signed-in user id: links a subscriber's devices, meters them as one. */
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

export const DEFAULT_TIMEOUT_MS = 500;
/** Checkout and the portal wait on Stripe: a form post gets longer than a decision. */
const FORWARD_TIMEOUT_MS = 15_000;
const THIRTY_DAYS_SECONDS = 30 * 86_400;
const MAX_USER_AGENT = 1024;

export type PaywallClient = ReturnType<typeof createPaywallClient>;

/**
 * The site's side of the paywall, for its own edge middleware. Create it once per isolate
 * (module scope): the JWKS and prompt caches live in it.
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
    url: new URL('/_paywall/v1/access', base).toString(),
    apiKey: options.apiKey,
    fetch: fetchImpl,
    timeoutMs,
  };
  const prompts = new PromptCache();
  const clock = () => now().getTime();

  /**
   * request → cookies → local token check (a subscriber stops here, no call) → access API
   * → decision + the cookies to set. With `consume: false` every answer is a peek, whoever
   * decided it (the token, the API, the failure policy).
   */
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
    return { ...body, source: 'api', setCookie };
  }

  /**
   * The support prompt's HTML fragment for this decision (styles included), for sites that
   * draw the wall themselves. Null when the service cannot be reached in time.
   */
  async function prompt(decision: PromptDecision, opts: PromptOptions): Promise<string | null> {
    const url = new URL(`/_paywall/v1/prompt?${promptQuery(decision, opts)}`, base).toString();
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
    decide,
    prompt,
    /**
     * Passes `/_paywall/*` (the prompt's checkout and portal forms, the way back from
     * Checkout) through to the service. `ip` as for `decide`.
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
 * Returns a new Response (a fetched one's headers cannot be changed in place). It does not
 * cut the body: build the response from `showsFullText(decision)` (only a grant shows the
 * whole article; a peek and a denial show the lead).
 */
export function withDecision(response: Response, decision: PaywallDecision): Response {
  const out = new Response(response.body, response);
  for (const cookie of decision.setCookie) out.headers.append('set-cookie', cookie);
  out.headers.set('cache-control', 'private, no-store');
  out.headers.set('paywall-decision', decisionHeader(decision));
  return out;
}

/** `granted; reason=metered`, or for a peek `peek; reason=metered; would-be=granted`. */
export function decisionHeader(decision: PaywallDecision): string {
  const head = `${decision.access}; reason=${decision.reason}`;
  return decision.access === 'peek' ? `${head}; would-be=${decision.wouldBe}` : head;
}
