import type { ReaderIdSigner } from './reader-id';

/** Who is asking, as far as the meter is concerned. */
export interface Reader {
  /** The signed reader id to hand back (the site stores it in `__Host-paywall_rid`). */
  token: string;
  /** The raw, pseudonymous reader id inside the token. */
  id: string;
  /** True when the caller's id was missing, forged or never issued, and we made a new one. */
  issued: boolean;
  /**
   * The meter's subject, one person where we know one: the site's signed-in user (`u:`),
   * else the account signed in on this device (`a:`), else this browser (`r:`).
   */
  subject: string;
  /** HMAC pseudonym of the site's user id, when one was given (links subscriptions). */
  userKey: string | undefined;
  /** The account signed in on this device with an e-mailed code (its address key). */
  accountKey: string | undefined;
}

/** The domain the account cookie is sealed under (src/reader/reader-id.ts `seal`). */
export const ACCOUNT_SEAL = 'acct1';

export async function resolveReader(
  input: { id?: string | undefined; userId?: string | undefined; account?: string | undefined },
  signer: ReaderIdSigner,
): Promise<Reader> {
  const verified = input.id === undefined ? null : await signer.verify(input.id);
  const reader =
    verified !== null && input.id !== undefined
      ? { token: input.id, id: verified, issued: false }
      : { ...(await signer.issue()), issued: true };
  // A signed-in user is metered as one person across devices; their id is stored only as
  // an HMAC pseudonym.
  const userKey = input.userId ? await signer.pseudonym(input.userId) : undefined;
  // An account cookie we did not seal (forged, another site's, truncated) is ignored.
  const accountKey =
    input.account === undefined
      ? undefined
      : ((await signer.open(ACCOUNT_SEAL, input.account)) ?? undefined);
  const subject = userKey ? `u:${userKey}` : accountKey ? `a:${accountKey}` : `r:${reader.id}`;
  return {
    token: reader.token,
    id: reader.id,
    issued: reader.issued,
    subject,
    userKey,
    accountKey,
  };
}
