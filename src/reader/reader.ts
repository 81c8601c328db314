import type { ReaderIdSigner } from './reader-id';

/** Who is asking, as far as the meter is concerned. */
export interface Reader {
  /** The signed reader id to hand back (the site stores it in `__Host-paywall_rid`). */
  token: string;
  /** The raw, pseudonymous reader id inside the token. */
  id: string;
  /** True when the caller's id was missing, forged or never issued, and we made a new one. */
  issued: boolean;
  /** The meter's subject: the site's signed-in user when known, else the reader id. */
  subject: string;
  /** HMAC pseudonym of the site's user id, when one was given (links subscriptions). */
  userKey: string | undefined;
}

export async function resolveReader(
  input: { id?: string | undefined; userId?: string | undefined },
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
  const subject = userKey ? `u:${userKey}` : `r:${reader.id}`;
  return { token: reader.token, id: reader.id, issued: reader.issued, subject, userKey };
}
