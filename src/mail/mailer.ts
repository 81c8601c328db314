/**
 * The boundary every e-mail leaves through. One adapter is chosen by configuration
 * (src/mail/choose.ts): Cloudflare's `send_email` binding, an HTTP transactional-mail API, or
 * the development outbox kept in Redis. A message is plain text plus a small HTML part, with
 * no tracking pixels and no tracked links.
 *
 * This module stays free of Workers-only imports (src/env.ts, which runs in Node too, reads
 * `MAILERS`).
 */
export interface MailMessage {
  /** One recipient address, already validated (src/identity/address.ts). */
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * Optional. The same key within 24 hours sends at most once where the provider supports it
   * (Resend's `Idempotency-Key`), e.g. one per issued code so a retried request does not send
   * twice. Default: a fresh random key per `send`. At most 256 characters; no personal data.
   */
  idempotencyKey?: string;
}

/** How long a provider (Cloudflare, Resend) may take to accept one message. */
export const DEFAULT_SEND_TIMEOUT_MS = 5_000;

/** The ways mail can leave, as MAILER names them (src/env.ts validates it against this list). */
export const MAILERS = ['outbox', 'cloudflare', 'resend'] as const;
export type MailerKind = (typeof MAILERS)[number];

export interface Mailer {
  readonly kind: MailerKind;
  /** Resolves once the provider accepted the message; throws `MailError` otherwise. */
  send(message: MailMessage): Promise<void>;
}

/** The provider refused or could not be reached. Never carries the address or the body. */
export class MailError extends Error {
  override name = 'MailError';
}
