import type { AccessResponse } from '../schemas/access';
import type { ApiFailure } from './api';
import type { VerifiedEntitlement } from './token';

/**
 * The access API's own answer (same type, from the same zod schema) plus what the site's
 * middleware needs to act on it.
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
  return {
    access: policy === 'open' ? 'granted' : 'denied',
    reason: 'degraded',
    reader: { id: readerId ?? '', clearToken: false },
    meter: null,
    entitlement: null,
    source: 'fallback',
    setCookie: [],
    failure,
  };
}
