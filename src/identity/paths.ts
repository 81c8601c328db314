/** Where the sign-in pages and forms live (under the reserved `/_paywall` prefix). */
export const SIGN_IN_PAGE = '/_paywall/sign-in';
export const SIGN_IN_CODE_PAGE = '/_paywall/sign-in/code';
export const SIGN_IN_ACTION = '/_paywall/v1/sign-in';
export const VERIFY_ACTION = '/_paywall/v1/sign-in/verify';
export const SIGN_OUT_ACTION = '/_paywall/v1/sign-out';

export const INTENTS = ['access', 'register', 'sign-in'] as const;
export type Intent = (typeof INTENTS)[number];

/** A link to a sign-in page, back to `returnTo` afterwards. */
export function signInHref(intent: Intent, returnTo: string, page = SIGN_IN_PAGE): string {
  const query = new URLSearchParams({ intent, returnTo });
  return `${page}?${query.toString()}`;
}
