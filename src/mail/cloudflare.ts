import { DeadlineExceeded, withDeadline } from '../redis/deadline';
import type { Mailbox } from './from';
import { DEFAULT_SEND_TIMEOUT_MS, MailError, type Mailer, type MailMessage } from './mailer';

/**
 * Cloudflare Email Service through its `send_email` binding. The binding takes a structured
 * message (`{ from, to, subject, text, html }`, the builder form of `SendEmail.send` in
 * @cloudflare/workers-types) and builds the MIME itself, so no MIME is written here. The
 * binding signs with DKIM for the onboarded sending domain; MAIL_FROM must be on it.
 *
 * Its errors may quote the address ("email to … not allowed"), so they are never passed on:
 * the MailError says only that the binding refused, with Cloudflare's `E_…` code when the
 * error has one.
 */

export function createCloudflareMailer(deps: {
  binding: Pick<SendEmail, 'send'>;
  from: Mailbox;
  timeoutMs?: number;
}): Mailer {
  const { binding, from } = deps;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const sender = from.name === undefined ? from.email : { name: from.name, email: from.email };
  return {
    kind: 'cloudflare',
    async send(message: MailMessage) {
      try {
        await withDeadline(
          binding.send({
            from: sender,
            to: message.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
          }),
          timeoutMs,
        );
      } catch (error) {
        if (error instanceof DeadlineExceeded) {
          throw new MailError(`cloudflare: send_email gave ${error.message}`);
        }
        const code = codeOf(error);
        throw new MailError(
          `cloudflare: send_email refused the message${code ? ` (${code})` : ''}`,
        );
      }
    },
  };
}

/** Cloudflare's machine-readable code (`E_SENDER_NOT_VERIFIED`…), never free text. */
function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E_[A-Z0-9_]{1,64}$/.test(code) ? code : null;
}
