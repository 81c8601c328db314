/**
 * `edge-paywall/client`: the paywall from the site's own edge middleware (a Worker, Pages
 * `_middleware`, Next.js `middleware.ts`). Subscribers are verified locally against the JWKS
 * (no call); everyone else costs one `POST /_paywall/v1/access`, under a time limit, failing
 * open as the service does. Types come from the service's own zod schemas.
 */
export type {
  AccessPeek,
  AccessReason,
  AccessRequestInput,
  AccessResponse,
  Entitlement,
  Verdict,
} from '../schemas/access';
export { ENTITLEMENT_COOKIE, READER_COOKIE } from '../schemas/cookies';
export { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../schemas/entitlement-token';
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
