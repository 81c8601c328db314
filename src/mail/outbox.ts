import type { Redis } from '@upstash/redis/cloudflare';
import { DeadlineExceeded, withDeadline } from '../redis/deadline';
import type { RedisKeys } from '../redis/keys';
import { defineScript } from '../redis/script';
import { MailError, type Mailer, type MailMessage } from './mailer';

/**
 * The development mailer: nothing leaves the machine. Each message is kept in one Redis list
 * (keys.devOutbox()) for 10 minutes, the newest 200 at most, and read back by the dev outbox
 * page (src/routes/dev-outbox.ts). Refused in production by src/env.ts: the page shows every
 * code it holds.
 */
export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** ISO 8601, when `send` was called. */
  sentAt: string;
}

export interface OutboxMailer extends Mailer {
  readonly kind: 'outbox';
  /** Kept messages, newest first, none older than OUTBOX_TTL_MS. Throws MailError. */
  list(): Promise<OutboxMessage[]>;
}

export const OUTBOX_TTL_MS = 10 * 60_000;
export const OUTBOX_MAX_MESSAGES = 200;

/** KEYS[1] = the list; ARGV = message JSON, how many to keep, ttl ms. One round trip. */
export const OUTBOX_PUSH_SCRIPT = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;
const pushScript = defineScript(OUTBOX_PUSH_SCRIPT);

export function createOutboxMailer(deps: {
  redis: Pick<Redis, 'evalsha' | 'eval' | 'lrange'>;
  keys: Pick<RedisKeys, 'devOutbox'>;
  timeoutMs: number;
  /** Clock in ms (default Date.now), so tests can age messages. */
  now?: () => number;
}): OutboxMailer {
  const { redis, keys, timeoutMs } = deps;
  const now = deps.now ?? Date.now;
  return {
    kind: 'outbox',
    async send(message: MailMessage) {
      const kept: OutboxMessage = {
        id: crypto.randomUUID(),
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        sentAt: new Date(now()).toISOString(),
      };
      try {
        await withDeadline(
          pushScript.run(
            redis,
            [keys.devOutbox()],
            [JSON.stringify(kept), OUTBOX_MAX_MESSAGES, OUTBOX_TTL_MS],
          ),
          timeoutMs,
        );
      } catch (error) {
        throw new MailError(`outbox: the message could not be kept (${failure(error, timeoutMs)})`);
      }
    },
    async list() {
      let raw: unknown;
      try {
        raw = await withDeadline(
          redis.lrange(keys.devOutbox(), 0, OUTBOX_MAX_MESSAGES - 1),
          timeoutMs,
        );
      } catch (error) {
        throw new MailError(
          `outbox: the messages could not be read (${failure(error, timeoutMs)})`,
        );
      }
      const oldest = now() - OUTBOX_TTL_MS;
      return (Array.isArray(raw) ? raw : [])
        .map(parseMessage)
        .filter((m): m is OutboxMessage => m !== null && Date.parse(m.sentAt) >= oldest);
    },
  };
}

/**
 * Why, in words that carry nothing of the message or of Redis's answer. Our deadline and the
 * client's own abort signal (src/redis/client.ts) both fire at `timeoutMs`: either may win.
 */
function failure(error: unknown, timeoutMs: number): string {
  const timedOut =
    error instanceof DeadlineExceeded ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'));
  return timedOut ? `Redis gave no answer within ${timeoutMs} ms` : 'Redis failed';
}

function parseMessage(raw: unknown): OutboxMessage | null {
  if (typeof raw !== 'string') return null;
  try {
    const m = JSON.parse(raw) as Record<string, unknown>;
    const fields = ['id', 'to', 'subject', 'text', 'html', 'sentAt'] as const;
    if (!fields.every((f) => typeof m[f] === 'string')) return null;
    if (Number.isNaN(Date.parse(m.sentAt as string))) return null;
    return Object.fromEntries(fields.map((f) => [f, m[f]])) as unknown as OutboxMessage;
  } catch {
    return null;
  }
}
