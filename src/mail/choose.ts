import type { Redis } from '@upstash/redis/cloudflare';
import type { RedisKeys } from '../redis/keys';
import { createCloudflareMailer } from './cloudflare';
import { parseMailbox } from './from';
import type { Mailer, MailerKind } from './mailer';
import { createOutboxMailer, type OutboxMailer } from './outbox';
import { createResendMailer } from './resend';

/** The env fields that choose the mailer; src/env.ts has validated them together. */
export interface MailEnv {
  /** The mailer in force (MAILER, or its default); null: none, so sign-in is off. */
  MAILER: MailerKind | null;
  MAIL_FROM?: string | undefined;
  RESEND_API_KEY?: string | undefined;
  RESEND_API_BASE?: string | undefined;
  SEND_EMAIL?: SendEmail | undefined;
}

/** Narrowed by `kind`: only the outbox can list what it sent. */
export type ChosenMailer = OutboxMailer | (Mailer & { readonly kind: 'cloudflare' | 'resend' });

/**
 * The one place that reads the env's mail fields. Null when no mailer is configured
 * (production without MAILER): sign-in by e-mailed code is then off.
 */
export function createMailer(
  env: MailEnv,
  deps: {
    redis: Pick<Redis, 'evalsha' | 'eval' | 'lrange'>;
    keys: Pick<RedisKeys, 'devOutbox'>;
    /** Bounds the outbox's Redis calls (REDIS_TIMEOUT_MS). */
    timeoutMs: number;
    /** Bounds one provider call (Cloudflare, Resend); default DEFAULT_SEND_TIMEOUT_MS (5 s). */
    sendTimeoutMs?: number;
  },
): ChosenMailer | null {
  switch (env.MAILER) {
    case 'outbox':
      return createOutboxMailer({ redis: deps.redis, keys: deps.keys, timeoutMs: deps.timeoutMs });
    case 'cloudflare':
      return createCloudflareMailer({
        binding: required(env.SEND_EMAIL, 'SEND_EMAIL'),
        from: sender(env.MAIL_FROM),
        timeoutMs: deps.sendTimeoutMs,
      }) as ChosenMailer;
    case 'resend':
      return createResendMailer({
        apiKey: required(env.RESEND_API_KEY, 'RESEND_API_KEY'),
        from: sender(env.MAIL_FROM),
        baseUrl: env.RESEND_API_BASE,
        timeoutMs: deps.sendTimeoutMs,
      }) as ChosenMailer;
    default:
      return null;
  }
}

/** The outbox behind a mailer, for the dev outbox page; null for any other mailer. */
export function outboxOf(mailer: ChosenMailer | null): OutboxMailer | null {
  return mailer?.kind === 'outbox' ? mailer : null;
}

function sender(from: string | undefined) {
  const mailbox = parseMailbox(required(from, 'MAIL_FROM'));
  if (!mailbox) throw new Error('MAIL_FROM is not a valid sender: parse the env with parseEnv');
  return mailbox;
}

/** parseEnv refuses these combinations; reaching here means the env was not parsed. */
function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new Error(`${field} is required by MAILER: parse with parseEnv`);
  return value;
}
