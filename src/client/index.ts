/**
 * `edge-paywall/client`: the paywall from the site's own edge middleware (a Worker, Pages
 * `_middleware`, Next.js `middleware.ts`). Subscribers are verified locally against the JWKS
 * (no call); everyone else costs one `POST /_paywall/v1/access`, under a time limit, failing
 * open as the service does. Types come from the service's own zod schemas.
 *
 * Two things the site's middleware must do:
 * - route every `/_paywall/*` request to `forward` (see `isPaywallPath`): the prompt's forms,
 *   the way back from Stripe Checkout and the sign-in pages live there, and their cookies
 *   must land on the site's own domain;
 * - send every decided page through `withDecision` (its cookies, `private, no-store`).
 *
 * A device signed in through those pages carries `__Host-paywall_acct`; `decide` reads it
 * and passes it as `reader.account`, so signed-in readers are metered and unlocked as their
 * account on every device, with nothing more to do.
 *
 * @example
 * ```ts
 * import { createPaywallClient, isPaywallPath, showsFullText, withDecision } from 'edge-paywall/client';
 *
 * const paywall = createPaywallClient({ baseUrl: env.PAYWALL_URL, apiKey: env.PAYWALL_API_KEY });
 *
 * export default {
 *   async fetch(request: Request): Promise<Response> {
 *     if (isPaywallPath(request.url)) return paywall.forward(request);
 *     const url = new URL(request.url);
 *     const decision = await paywall.decide(request, { id: url.pathname, url: url.href });
 *     return withDecision(renderArticle(url.pathname, showsFullText(decision)), decision); // yours
 *   },
 * };
 * ```
 *
 * @module
 */

export { ENTITLEMENT_COOKIE, READER_COOKIE } from '../contract/cookies';
export { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../contract/entitlement-token';
export type {
  AccessPeek,
  AccessReason,
  AccessRequestInput,
  AccessResponse,
  Entitlement,
  Verdict,
} from '../schemas/access';
export type { ApiFailure } from './api';
export {
  type Article,
  createPaywallClient,
  DEFAULT_TIMEOUT_MS,
  type DecideOptions,
  decisionHeader,
  isPaywallPath,
  type PaywallClient,
  type PaywallClientOptions,
  withDecision,
} from './client';
export { type GrantedDecision, type PaywallDecision, showsFullText } from './decision';
export { isPrefetchRequest } from './prefetch';
export type { PromptDecision, PromptOptions } from './prompt';
