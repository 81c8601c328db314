import { createHmac } from 'node:crypto';
import type { StoredEvent } from './events';
import { ID_PREFIX, newId } from './ids';
import { seededRandom, shuffle } from './shuffle';

// Webhook delivery: Stripe's signature scheme, one POST per event with the raw JSON, a
// record of every attempt, and retries with a short, configurable backoff (Stripe's is
// hours; tests need the same behaviour compressed into milliseconds).
//
// Two modes. `immediate`: each event is sent as it is created, one at a time in creation
// order. `hold`: events queue until `flush`, which can shuffle them with a seed, add
// duplicates and send them at once, to test out-of-order, repeated and concurrent delivery.
//
// Signatures use the wall clock, not the emulator's clock: the receiver checks the
// timestamp against its own clock (5 minutes' tolerance), so a test that moved the
// emulator's time would otherwise see every event refused as a replay.

export type DeliveryMode = 'immediate' | 'hold';
export type DeliveryReason = 'immediate' | 'flush' | 'retry' | 'redeliver';

export interface DeliveryRecord {
  id: string;
  event: string;
  type: string;
  /** 0 for the original, 1… for duplicates added by a flush. */
  copy: number;
  /** 1 for the first try of this copy, then 2, 3… for retries. */
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

export interface FlushOptions {
  /** Shuffle the queue (original and duplicates together) with this seed. */
  shuffleSeed?: number;
  /** Extra copies of every event. */
  duplicate?: number;
  /** Instead of a fixed count, 0…duplicateMax extra copies per event, drawn from the seed. */
  duplicateMax?: number;
  /** Send everything at once instead of one at a time. */
  parallel?: boolean;
}

export interface FlushReport {
  order: { event: string; type: string; copy: number }[];
  deliveries: DeliveryRecord[];
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>` */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export class Webhooks {
  mode: DeliveryMode = 'immediate';
  readonly deliveries: DeliveryRecord[] = [];
  private held: StoredEvent[] = [];
  private readonly firstAttempts = new Map<string, Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborter = new AbortController();

  constructor(readonly settings: WebhookSettings) {}

  /** Called by the event log for every new event. */
  onEvent(stored: StoredEvent): void {
    if (this.mode === 'hold') this.held.push(stored);
    else if (this.settings.url) {
      this.firstAttempts.set(stored.event.id, this.deliver(stored, 0, 1, 'immediate'));
    }
  }

  heldCount(): number {
    return this.held.length;
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

  /** Switches mode. Going back to `immediate` sends what was held, in creation order. */
  async setMode(mode: DeliveryMode): Promise<FlushReport | null> {
    this.mode = mode;
    return mode === 'immediate' && this.held.length > 0 ? this.flush({}) : null;
  }

  async flush(options: FlushOptions): Promise<FlushReport> {
    const queue = this.held;
    this.held = [];
    const random = seededRandom(options.shuffleSeed ?? 0);
    const copies = queue.flatMap((stored) => {
      const extra =
        options.duplicateMax !== undefined
          ? Math.floor(random() * (options.duplicateMax + 1))
          : (options.duplicate ?? 0);
      return Array.from({ length: 1 + extra }, (_, copy) => ({ stored, copy }));
    });
    const order = options.shuffleSeed === undefined ? copies : shuffle(copies, random);
    const send = ({ stored, copy }: (typeof order)[number]) =>
      this.deliver(stored, copy, 1, 'flush');
    const deliveries = options.parallel
      ? await Promise.all(order.map(send))
      : await sequentially(order, send);
    return {
      order: order.map(({ stored, copy }) => ({
        event: stored.event.id,
        type: stored.event.type,
        copy,
      })),
      deliveries,
    };
  }

  /** Sends one event again now, like the Dashboard's "Resend" (no retries follow). */
  redeliver(stored: StoredEvent): Promise<DeliveryRecord> {
    return this.deliver(stored, 0, 1, 'redeliver');
  }

  close(): void {
    this.aborter.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async deliver(
    stored: StoredEvent,
    copy: number,
    attempt: number,
    reason: DeliveryReason,
  ): Promise<DeliveryRecord> {
    const { url, secret, retryDelaysMs, timeoutMs } = this.settings;
    const record: DeliveryRecord = {
      id: newId(ID_PREFIX.delivery, 20),
      event: stored.event.id,
      type: stored.event.type,
      copy,
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
    } else if (
      reason !== 'redeliver' &&
      attempt <= retryDelaysMs.length &&
      !this.aborter.signal.aborted
    ) {
      const delay = retryDelaysMs[attempt - 1] ?? 0;
      record.next_retry_at = Date.now() + delay;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.deliver(stored, copy, attempt + 1, 'retry');
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
    return record;
  }
}

async function sequentially<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await run(item));
  return out;
}
