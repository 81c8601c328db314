import type Stripe from 'stripe';
import { ID_PREFIX, newId } from './ids';
import { API_VERSION, snapshot } from './objects/common';

// The account's event log. Each event carries a snapshot of its object at the moment it
// happened (later changes do not show through), in creation order, and its JSON payload is
// fixed at creation: a retry sends the same bytes with a fresh signature, as Stripe's do.

type EventType = Stripe.Event['type'];
type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;
type ObjectOf<T extends EventType> = EventOf<T>['data']['object'];

export interface StoredEvent {
  event: Stripe.Event;
  /** The exact body every delivery of this event sends. */
  payload: string;
}

export class EventLog {
  private readonly events: StoredEvent[] = [];
  /** The API request being handled, if any: events record it as `request`. */
  request: Stripe.Event.Request | null = null;

  constructor(
    private readonly now: () => number,
    /** Endpoints that will be sent the event (0 or 1 here): Stripe's `pending_webhooks`. */
    private readonly endpoints: () => number,
    private readonly onEvent: (stored: StoredEvent) => void,
  ) {}

  /**
   * Records an event. The type parameter ties `object` to the type's object (an
   * `invoice.paid` carries a Stripe.Invoice), so a wrong payload fails type checking.
   * `previous` is `data.previous_attributes`, for `*.updated` events.
   */
  emit<T extends EventType>(
    type: T,
    object: ObjectOf<T>,
    previous?: Partial<ObjectOf<T>>,
  ): Stripe.Event {
    // Typed as EventBase so every envelope field is checked; the type/object pairing is
    // checked by the signature above.
    const base: Stripe.EventBase = {
      id: newId(ID_PREFIX.event, 24),
      object: 'event',
      api_version: API_VERSION,
      created: this.now(),
      data: {
        object: snapshot(object),
        ...(previous && Object.keys(previous).length > 0
          ? { previous_attributes: snapshot(previous) }
          : {}),
      },
      livemode: false,
      pending_webhooks: this.endpoints(),
      request: this.request ? { ...this.request } : { id: null, idempotency_key: null },
      type,
    };
    const event = base as Stripe.Event;
    const stored = { event, payload: JSON.stringify(event, null, 2) };
    this.events.push(stored);
    this.onEvent(stored);
    return event;
  }

  count(): number {
    return this.events.length;
  }

  /** Events created after the first `count`, in creation order. */
  since(count: number): StoredEvent[] {
    return this.events.slice(count);
  }

  all(): StoredEvent[] {
    return [...this.events];
  }
}

/**
 * `previous_attributes` as Stripe computes it: the top-level fields whose value changed,
 * with their old values (nested objects whole).
 */
export function changedFields<T extends object>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = before[key];
  }
  return out;
}
