import { openAccountSession } from '../identity/session';
import type { ReaderIdSigner } from './reader-id';

/**
 * Who is asking, as far as the meter is concerned. `id` is the signed reader id, as the access
 * API names it (`reader.id`) and the `__Host-paywall_rid` cookie holds it; `rawId` is the
 * random id inside it, which only our own records see.
 */
export interface Reader {
  /** The signed reader id to hand back (the site stores it in `__Host-paywall_rid`). */
  id: string;
  /** The raw, pseudonymous reader id inside the signed one. */
  rawId: string;
  /** True when the caller's id was missing, forged or never issued, and we made a new one. */
  issued: boolean;
  /** The meter state the signed id carries (src/meter/carried.ts decodes it), if any. */
  carried?: string | undefined;
  /**
   * The meter's subject, one person where we know one: the site's signed-in user (`u:`),
   * else the account signed in on this device (`a:`), else this browser (`r:`).
   */
  subject: string;
  /** HMAC pseudonym of the site's user id, when one was given (links subscriptions). */
  userKey: string | undefined;
  /** The account signed in on this device with an e-mailed code (its address key). */
  accountKey: string | undefined;
  /** That sign-in's session id: the account's meter and support need it alive in Redis. */
  accountSession: string | undefined;
  /**
   * The device's account cookie names a session that has ended (signed out elsewhere,
   * expired, erased): it reads as this browser again, and the cookie should go.
   */
  accountEnded?: true;
}

/** The same reader after its account session was found ended: this browser, or the site's user. */
export function withoutAccount(reader: Reader): Reader {
  const { accountKey: _k, accountSession: _s, ...rest } = reader;
  return {
    ...rest,
    subject: reader.userKey ? `u:${reader.userKey}` : `r:${reader.rawId}`,
    accountKey: undefined,
    accountSession: undefined,
    accountEnded: true,
  };
}

export async function resolveReader(
  /** As the access API's `reader`: `id` is the signed reader id the caller holds, if any. */
  input: { id?: string | undefined; userId?: string | undefined; account?: string | undefined },
  signer: ReaderIdSigner,
  /** How old an account cookie may be (`accounts.sessionDays`), measured at `now`. */
  accountPolicy: { now: Date; maxAgeSeconds: number },
): Promise<Reader> {
  const verified = input.id === undefined ? null : await signer.openId(input.id);
  const reader =
    verified !== null && input.id !== undefined
      ? { id: input.id, rawId: verified.id, issued: false, carried: verified.state }
      : await signer
          .issue()
          .then(({ token, id }) => ({ id: token, rawId: id, issued: true, carried: undefined }));
  // A signed-in user is metered as one person across devices; their id is stored only as
  // an HMAC pseudonym.
  const userKey = input.userId ? await signer.pseudonym(input.userId) : undefined;
  // An account cookie we did not seal (forged, another site's, truncated) or too old is ignored.
  const session =
    input.account === undefined
      ? null
      : await openAccountSession(signer, input.account, accountPolicy);
  const accountKey = session?.accountKey;
  const subject = userKey ? `u:${userKey}` : accountKey ? `a:${accountKey}` : `r:${reader.rawId}`;
  return {
    id: reader.id,
    rawId: reader.rawId,
    issued: reader.issued,
    carried: reader.carried,
    subject,
    userKey,
    accountKey,
    accountSession: session?.sessionId,
  };
}
