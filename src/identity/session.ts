import { toBase64Url } from '../encoding';
import type { ReaderIdSigner } from '../reader/reader-id';

/**
 * The account cookie (`__Host-paywall_acct`): one sign-in of one account on one device. It
 * seals the address key, when the device signed in, and a random session id, so no two
 * devices hold the same bytes, a cookie older than `accounts.sessionDays` is refused whatever
 * the browser kept, and sign-out can revoke it: the session id lives in Redis
 * (`account-session:{sessionId}`) until then. The meter reads only the seal (no Redis); what
 * the account unlocks (its support) also needs the session to be alive.
 */
export interface AccountSession {
  accountKey: string;
  sessionId: string;
  /** Epoch seconds. */
  issuedAt: number;
}

/** The domain the account cookie is sealed under (src/reader/reader-id.ts `seal`). */
export const ACCOUNT_SEAL = 'acct2';

const VALUE = /^([A-Za-z0-9_-]{22})~(\d{1,12})~([A-Za-z0-9_-]{22})$/;

export function newSessionId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

export function sealAccountSession(signer: ReaderIdSigner, s: AccountSession): Promise<string> {
  return signer.seal(ACCOUNT_SEAL, `${s.accountKey}~${s.issuedAt}~${s.sessionId}`);
}

/**
 * The session a cookie names, when we sealed it and it is younger than `maxAgeSeconds` (and
 * not from the future beyond a minute of clock skew); else null.
 */
export async function openAccountSession(
  signer: ReaderIdSigner,
  token: string,
  policy: { now: Date; maxAgeSeconds: number },
): Promise<AccountSession | null> {
  const value = await signer.open(ACCOUNT_SEAL, token);
  const match = value === null ? null : VALUE.exec(value);
  if (!match) return null;
  const [, accountKey, issued, sessionId] = match as unknown as [string, string, string, string];
  const issuedAt = Number(issued);
  const nowSeconds = Math.floor(policy.now.getTime() / 1000);
  if (issuedAt > nowSeconds + 60 || nowSeconds - issuedAt >= policy.maxAgeSeconds) return null;
  return { accountKey, sessionId, issuedAt };
}

/** The age limit for account cookies at `now`, from `accounts.sessionDays`. */
export function sessionPolicy(sessionDays: number, now: Date) {
  return { now, maxAgeSeconds: sessionDays * 86_400 };
}
