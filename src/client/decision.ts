import type { AccessResponse, Verdict } from '../schemas/access';
import type { ApiFailure } from './api';
import type { VerifiedEntitlement } from './token';

/**
 * The access API's own answer (same type, from the same zod schema) plus what the site's
 * middleware needs to act on it. `access` is `granted`, `denied` or `peek`: only `granted`
 * may show the whole article (see `showsFullText`).
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

/** A decision that may show the whole article: a counted read that was granted. */
export type GrantedDecision = Extract<PaywallDecision, { access: 'granted' }>;

/**
 * The one question a renderer asks: may this response carry the whole article? Only an
 * outright grant says yes. A peek (a prefetch, any `consume: false`) and a denial get the
 * lead paragraphs, whatever a peek says a real read would get.
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
