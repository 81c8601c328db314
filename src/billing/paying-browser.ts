import type Stripe from 'stripe';
import { READER_COOKIE } from '../contract/cookies';
import type { ReaderIdSigner } from '../reader/reader-id';
import { sameText } from './redemption';

/**
 * Binds a Checkout Session to the browser that started it. The checkout route stores the
 * raw reader id of the browser's signed `__Host-paywall_rid` cookie in the session metadata
 * (the raw id alone cannot be turned into a cookie: that takes our signature), and the
 * success URL grants access only to a request carrying that same, genuine cookie.
 */
export const PAYING_BROWSER_METADATA_KEY = 'browserReaderId';

export type PayingBrowser =
  | { ok: true; readerId: string }
  | { ok: false; reason: 'no_reader' | 'ambiguous_reader' | 'forged_reader' | 'other_reader' };

/**
 * Whether the request comes from the browser the session is bound to. `cookieHeader` is the
 * raw Cookie header: exactly one `__Host-paywall_rid` must be present (a `__Host-` cookie
 * cannot legitimately appear twice for one host, so two are refused rather than guessed
 * between), with our signature, naming the session's bound reader id.
 */
export async function payingBrowser(
  metadata: Stripe.Metadata | null | undefined,
  cookieHeader: string | undefined,
  signer: ReaderIdSigner,
): Promise<PayingBrowser> {
  const values = cookieValues(cookieHeader ?? '', READER_COOKIE);
  if (values.length === 0) return { ok: false, reason: 'no_reader' };
  if (values.length > 1) return { ok: false, reason: 'ambiguous_reader' };
  const readerId = await signer.verify(values[0] as string);
  if (readerId === null) return { ok: false, reason: 'forged_reader' };
  const bound = metadata?.[PAYING_BROWSER_METADATA_KEY];
  // A session without a bound id (made before binding existed) matches no browser.
  if (typeof bound !== 'string' || !sameText(bound, readerId)) {
    return { ok: false, reason: 'other_reader' };
  }
  return { ok: true, readerId };
}

/**
 * Every value sent under `name`, taken literally: no unquoting or percent-decoding, so one
 * token has one spelling. Separators are `;` and also `,` (how a runtime joins several
 * Cookie header lines), so a second cookie cannot hide on another line.
 */
function cookieValues(header: string, name: string): string[] {
  const values: string[] = [];
  for (const pair of header.split(/[;,]/)) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values;
}
