import { DeadlineExceeded, withDeadline } from '../redis/deadline';
import { formatMailbox, type Mailbox } from './from';
import { DEFAULT_SEND_TIMEOUT_MS, MailError, type Mailer, type MailMessage } from './mailer';

/**
 * Resend's HTTP API, as its documentation and its official SDK (`resend` on npm) call it:
 * `POST {base}/emails` with `Authorization: Bearer re_…`, a JSON body
 * `{ from, to: [address], subject, text, html }` and an `Idempotency-Key` header; a 2xx answer
 * is `{ id }`, anything else `{ statusCode, name, message }`. No SDK here: one fetch, under
 * our own time limit. tools/resend-local is the stand-in the tests (and `npm start`, when
 * configured) point RESEND_API_BASE at.
 *
 * A MailError carries the HTTP status and Resend's error `name` (`validation_error`…), never
 * its `message` (it can quote the sender's domain or the recipient) nor anything we sent.
 */
export const RESEND_API_BASE = 'https://api.resend.com';

export interface ResendRequestBody {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export function createResendMailer(deps: {
  apiKey: string;
  from: Mailbox;
  /** Default https://api.resend.com; the local stand-in's URL in development and tests. */
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): Mailer {
  const endpoint = `${(deps.baseUrl ?? RESEND_API_BASE).replace(/\/+$/, '')}/emails`;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const from = formatMailbox(deps.from);
  return {
    kind: 'resend',
    async send(message: MailMessage) {
      const body: ResendRequestBody = {
        from,
        to: [message.to],
        subject: message.subject,
        text: message.text,
        html: message.html,
      };
      const request = async () => {
        const response = await doFetch(endpoint, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${deps.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': message.idempotencyKey ?? crypto.randomUUID(),
            'user-agent': 'edge-paywall',
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Read the whole answer either way, so the connection can be reused.
        const text = await response.text();
        return { status: response.status, ok: response.ok, text };
      };
      let answer: Awaited<ReturnType<typeof request>>;
      try {
        answer = await withDeadline(request(), timeoutMs);
      } catch (error) {
        throw new MailError(
          isTimeout(error)
            ? `resend: no answer within ${timeoutMs} ms`
            : 'resend: the API could not be reached',
        );
      }
      if (!answer.ok) {
        const name = errorName(answer.text);
        throw new MailError(`resend: HTTP ${answer.status}${name ? ` ${name}` : ''}`);
      }
    },
  };
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof DeadlineExceeded ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
  );
}

/** Resend's error `name` when the answer has one: a code, safe to log; never its `message`. */
function errorName(text: string): string | null {
  try {
    const name = (JSON.parse(text) as { name?: unknown } | null)?.name;
    return typeof name === 'string' && /^[a-z_]{1,64}$/.test(name) ? name : null;
  } catch {
    return null;
  }
}
