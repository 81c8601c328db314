import { PAYWALL_PREFIX } from '../contract/paths';

/** Where the sign-in pages and forms live (under the reserved prefix). */
export const SIGN_IN_PAGE = `${PAYWALL_PREFIX}/sign-in`;
export const SIGN_IN_CODE_PAGE = `${PAYWALL_PREFIX}/sign-in/code`;
export const SIGN_IN_ACTION = `${PAYWALL_PREFIX}/v1/sign-in`;
export const VERIFY_ACTION = `${PAYWALL_PREFIX}/v1/sign-in/verify`;
export const SIGN_OUT_ACTION = `${PAYWALL_PREFIX}/v1/sign-out`;

export const INTENTS = ['access', 'register', 'sign-in'] as const;
export type Intent = (typeof INTENTS)[number];

/** A link to a sign-in page, back to `returnTo` afterwards. */
export function signInHref(intent: Intent, returnTo: string, page = SIGN_IN_PAGE): string {
  const query = new URLSearchParams({ intent, returnTo });
  return `${page}?${query.toString()}`;
}
