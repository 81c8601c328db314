import { z } from 'zod';
import type { ReaderIdSigner } from '../reader/reader-id';

/**
 * E-mail addresses are never stored. What the service keeps is the address key: an HMAC of
 * the normalised address under READER_ID_SECRET (128 bits, base64url), which names the
 * reader's account, their sign-in code and their rate-limit budget. Without the secret the
 * key cannot be turned back into an address or checked against a list of addresses.
 */

/** RFC 5321's limit on a forward path; longer is not an address anyone can receive mail at. */
export const MAX_ADDRESS_LENGTH = 254;

const email = z.email();

/**
 * One spelling per mailbox: trimmed, Unicode NFC, lower case. Mail providers treat the local
 * part without regard to case, and readers type their address however their keyboard
 * capitalises it, so `Ann@Example.com` and `ann@example.com` are one account. Anything zod's
 * e-mail check refuses (spaces, angle brackets, several `@`, no dot in the domain, control
 * characters) is null.
 */
export function normalizeAddress(input: string): string | null {
  const address = input.trim().normalize('NFC').toLowerCase();
  if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH) return null;
  return email.safeParse(address).success ? address : null;
}

/** The account's name: the address key. Same address, same key, on every device. */
export function addressKey(signer: ReaderIdSigner, normalizedAddress: string): Promise<string> {
  return signer.derive('addr1', normalizedAddress);
}
