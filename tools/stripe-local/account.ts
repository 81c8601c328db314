import { Clock } from './clock';
import { EventLog } from './events';
import { StripeFaults } from './faults';
import { IdempotencyCache } from './idempotency';
import { Store } from './store';
import { type WebhookSettings, Webhooks } from './webhooks';

// A Stripe account: everything one secret key sees. The emulator starts with one (the
// `secretKey` option) and tests can make more (`POST /_control/accounts`), each with its own
// objects, events, webhook endpoint and settings, and clock, so tests running side by side
// against one emulator never see each other's events or move each other's time.

export interface AccountOptions {
  secretKey: string;
  webhook: WebhookSettings;
  now: () => number;
  /** The emulator's base URL, for hosted-page links. */
  baseUrl: string;
  /** How long an answer that created events waits for their first delivery attempts. */
  deliveryWaitMs: number;
}

export class Account {
  readonly secretKey: string;
  readonly store = new Store();
  readonly clock: Clock;
  readonly webhooks: Webhooks;
  readonly events: EventLog;
  readonly idempotency = new IdempotencyCache();
  /** Injected faults on this account's API calls (faults.ts). */
  readonly faults = new StripeFaults();
  readonly baseUrl: string;
  readonly deliveryWaitMs: number;

  constructor(opts: AccountOptions) {
    this.secretKey = opts.secretKey;
    this.baseUrl = opts.baseUrl;
    this.deliveryWaitMs = opts.deliveryWaitMs;
    this.clock = new Clock(opts.now);
    this.webhooks = new Webhooks(opts.webhook);
    this.events = new EventLog(
      () => this.clock.now(),
      () => (this.webhooks.settings.url ? 1 : 0),
      (stored) => this.webhooks.onEvent(stored),
    );
  }

  /**
   * Runs `action` (synchronous, so no other request interleaves) and then waits, briefly,
   * for the first delivery of the events it created. Deliveries never hold an answer
   * longer than `deliveryWaitMs`; retries happen in the background.
   */
  async withEvents<T>(action: () => T): Promise<T> {
    const mark = this.events.count();
    const result = action();
    const created = this.events.since(mark).map((e) => e.event.id);
    await this.webhooks.waitFor(created, this.deliveryWaitMs);
    return result;
  }

  close(): void {
    this.faults.close();
    this.webhooks.close();
  }
}
