import { createHmac } from 'node:crypto';
import type { StoredEvent } from './events';
import { ID_PREFIX, newId } from './ids';

// Webhook delivery: Stripe's signature scheme, one POST per event with the raw JSON, sent as
// each event is created, one at a time in creation order; a record of every attempt; and
// retries with a short, configurable backoff (Stripe's is hours; tests need the same
// behaviour compressed into milliseconds). Out-of-order and repeated delivery is what the
// worker must survive, and tests/replay does that itself: it lists the events and delivers
// them shuffled and duplicated, so the emulator has no hold or flush of its own.
//
// Signatures use the wall clock, not the emulator's clock: the receiver checks the
// timestamp against its own clock (5 minutes' tolerance), so a test that moved the
// emulator's time would otherwise see every event refused as a replay.

export type DeliveryReason = 'immediate' | 'retry';

export interface DeliveryRecord {
  id: string;
  event: string;
  type: string;
  /** 1 for the first try, then 2, 3… for retries. */
  attempt: number;
  reason: DeliveryReason;
  url: string | null;
  status: number | null;
  ok: boolean;
  error: string | null;
  started_at: number;
  duration_ms: number;
  /** When the next retry is due (ms since epoch), or null when none follows. */
  next_retry_at: number | null;
}

export interface WebhookSettings {
  url: string | null;
  secret: string;
  /** Delay before each retry; its length is the number of retries. */
  retryDelaysMs: number[];
  /** One attempt's time limit. */
  timeoutMs: number;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>` */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export class Webhooks {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly firstAttempts = new Map<string, Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborter = new AbortController();

  constructor(readonly settings: WebhookSettings) {}

  /** Called by the event log for every new event. */
  onEvent(stored: StoredEvent): void {
    if (this.settings.url) {
      this.firstAttempts.set(stored.event.id, this.deliver(stored, 1, 'immediate'));
    }
  }

  /**
   * Waits until the first attempt of each of these events has finished, or `ms` passed,
   * whichever is first. Retries are never waited for.
   */
  async waitFor(eventIds: string[], ms: number): Promise<void> {
    const pending = eventIds.flatMap((id) => this.firstAttempts.get(id) ?? []);
    if (pending.length === 0 || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([Promise.allSettled(pending), timeout]);
    clearTimeout(timer);
  }

  close(): void {
    this.aborter.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async deliver(
    stored: StoredEvent,
    attempt: number,
    reason: DeliveryReason,
  ): Promise<DeliveryRecord> {
    const { url, secret, retryDelaysMs, timeoutMs } = this.settings;
    const record: DeliveryRecord = {
      id: newId(ID_PREFIX.delivery, 20),
      event: stored.event.id,
      type: stored.event.type,
      attempt,
      reason,
      url,
      status: null,
      ok: false,
      error: null,
      started_at: Date.now(),
      duration_ms: 0,
      next_retry_at: null,
    };
    this.deliveries.push(record);
    if (!url) {
      record.error = 'no webhook URL is set';
      return record;
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signPayload(stored.payload, secret, Math.floor(Date.now() / 1000)),
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: stored.payload,
        signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(timeoutMs)]),
      });
      // Read the body so the connection can be reused; its content does not matter.
      await response.arrayBuffer().catch(() => undefined);
      record.status = response.status;
      record.ok = response.status >= 200 && response.status < 300;
      if (!record.ok) record.error = `HTTP ${response.status}`;
    } catch (error) {
      record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    record.duration_ms = Date.now() - record.started_at;
    if (record.ok) {
      stored.event.pending_webhooks = 0;
    } else if (attempt <= retryDelaysMs.length && !this.aborter.signal.aborted) {
      const delay = retryDelaysMs[attempt - 1] ?? 0;
      record.next_retry_at = Date.now() + delay;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.deliver(stored, attempt + 1, 'retry');
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
    return record;
  }
}
