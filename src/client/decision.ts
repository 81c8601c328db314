import type { AccessResponse, Verdict } from '../schemas/access';
import type { ApiFailure } from './api';
import type { VerifiedEntitlement } from './token';

/**
 * The access API's own answer (same type, from the same zod schema) plus what the site's
 * middleware needs to act on it. `access` is `granted`, `denied` or `peek`: only `granted`
 * may show the whole article (see `showsFullText`).
 *
 * - `reason`: `subscriber`, `free_article`, `metered`, `already_read`, `meter_exhausted`,
 *   `premium`, `verified_crawler` or `degraded`.
 * - `meter`: `{ limit, used, remaining, resetsAt }` when the meter was asked, else null.
 * - `entitlement`: the reader's subscription, contribution or pass, else null.
 * - `reader.id`: the signed reader id (its cookie is in `setCookie` when it is new); on a
 *   token or fallback decision, the cookie's, or `''` when there is none.
 * - a peek also says `wouldBe`: what a counted read would have got.
 *
 * @example
 * ```ts
 * const decision: PaywallDecision = await paywall.decide(request, { id: url.pathname });
 * switch (decision.access) {
 *   case 'granted': // the whole article; a metered read may say how many are left
 *     return withDecision(page(article.paragraphs, decision.meter?.remaining), decision);
 *   case 'peek': // a prefetch: counted nothing, shows the lead (decision.wouldBe says the rest)
 *   case 'denied': // the lead, and the prompt
 *     return withDecision(page(article.paragraphs.slice(0, 2)), decision);
 * }
 * ```
 */
export type PaywallDecision = AccessResponse & {
  /**
   * `token`: a valid entitlement cookie, verified here (no call). `api`: the access API
   * answered. `fallback`: it did not (see `failure`), and the failure policy decided.
   */
  source: 'token' | 'api' | 'fallback';
  /** `Set-Cookie` values to add to the response (new reader id, refreshed or cleared token). */
  setCookie: string[];
  failure?: ApiFailure;
};

/**
 * A decision that may show the whole article: a counted read that was granted (or one that
 * needs no counting: a subscriber, a free article, a verified crawler, a fallback that
 * fails open).
 *
 * @example
 * ```ts
 * function wholeArticle(article: MyArticle, decision: GrantedDecision): Response {
 *   const left = decision.reason === 'metered' ? decision.meter?.remaining : undefined;
 *   return renderWhole(article, left); // yours
 * }
 * if (decision.access === 'granted') return withDecision(wholeArticle(article, decision), decision);
 * ```
 */
export type GrantedDecision = Extract<PaywallDecision, { access: 'granted' }>;

/**
 * The one question a renderer asks: may this response carry the whole article? Only an
 * outright grant says yes. A peek (a prefetch, any `consume: false`) and a denial get the
 * lead paragraphs, whatever a peek says a real read would get.
 *
 * @param decision - A decision, or anything with its `access`.
 * @returns `true` only for `access: 'granted'`.
 *
 * @example
 * ```ts
 * const decision = await paywall.decide(request, { id: article.id });
 * // The walled text is never rendered, so it cannot leak.
 * const shown = showsFullText(decision) ? article.paragraphs : article.paragraphs.slice(0, 2);
 * ```
 */
export function showsFullText(decision: Pick<PaywallDecision, 'access'>): boolean {
  return decision.access === 'granted';
}

/**
 * What a decision becomes when nothing was counted. Applied by the client itself to every
 * `consume: false` answer, so even a service that answered `granted` to a peek (an older
 * one) cannot hand the renderer a grant.
 */
export function asPeek(decision: PaywallDecision): PaywallDecision {
  if (decision.access === 'peek') return decision;
  return { ...decision, access: 'peek', wouldBe: decision.access };
}

/** A valid token: granted, no meter. `reader.id` is the cookie's, or '' when there is none. */
export function subscriberDecision(
  entitlement: VerifiedEntitlement,
  readerId: string | undefined,
): PaywallDecision {
  return {
    access: 'granted',
    reason: 'subscriber',
    reader: { id: readerId ?? '', clearToken: false },
    meter: null,
    entitlement,
    source: 'token',
    setCookie: [],
  };
}

/** The service's own failure policy (`onMeterFailure`): open by default, so readers read. */
export function fallbackDecision(
  policy: 'open' | 'closed',
  failure: ApiFailure,
  readerId: string | undefined,
): PaywallDecision {
  const access: Verdict = policy === 'open' ? 'granted' : 'denied';
  return {
    access,
    reason: 'degraded',
    reader: { id: readerId ?? '', clearToken: false },
    meter: null,
    entitlement: null,
    source: 'fallback',
    setCookie: [],
    failure,
  };
}
