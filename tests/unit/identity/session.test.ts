import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_SEAL,
  newSessionId,
  openAccountSession,
  sealAccountSession,
  sessionPolicy,
} from '../../../src/identity/session';
import { createReaderIdSigner } from '../../../src/reader/reader-id';

// The account cookie is one sign-in: refused once older than `accounts.sessionDays`, whatever
// Max-Age the browser kept, and refused from the future beyond a minute of clock skew.

const signer = createReaderIdSigner('a-test-secret-of-at-least-32-characters!!');
const now = new Date('2026-11-30T12:00:00Z');
const nowS = Math.floor(now.getTime() / 1000);
const accountKey = 'A'.repeat(22);
const policy = sessionPolicy(90, now);

const sealAt = (issuedAt: number) =>
  sealAccountSession(signer, { accountKey, sessionId: newSessionId(), issuedAt });

describe('openAccountSession', () => {
  it('opens a session sealed now, or up to a second before sessionDays run out', async () => {
    for (const issuedAt of [nowS, nowS - 90 * 86_400 + 1, nowS + 60]) {
      expect(await openAccountSession(signer, await sealAt(issuedAt), policy)).toMatchObject({
        accountKey,
        issuedAt,
      });
    }
  });

  it('refuses one sessionDays old or older, and one from more than a minute ahead', async () => {
    for (const issuedAt of [nowS - 90 * 86_400, nowS - 400 * 86_400, nowS + 61, 0]) {
      expect(await openAccountSession(signer, await sealAt(issuedAt), policy)).toBeNull();
    }
  });

  it('refuses what is not a sealed session: another domain, a bare key, another secret', async () => {
    const other = createReaderIdSigner('another-secret-of-at-least-32-characters!');
    const value = `${accountKey}~${nowS}~${newSessionId()}`;
    for (const token of [
      await signer.seal('signin1', value),
      await signer.seal(ACCOUNT_SEAL, accountKey),
      await other.seal(ACCOUNT_SEAL, value),
      value,
    ]) {
      expect(await openAccountSession(signer, token, policy)).toBeNull();
    }
    expect(
      await openAccountSession(signer, await signer.seal(ACCOUNT_SEAL, value), policy),
    ).not.toBeNull();
  });
});
