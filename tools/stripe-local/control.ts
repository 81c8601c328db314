import type { Account } from './account';
import { found } from './api/context';
import { invalidParam, missingParam } from './errors';
import { recurringOf } from './flows/checkout-create';
import { payCheckoutSession, settleCheckoutSession, successRedirect } from './flows/checkout-pay';
import { closeDispute, DISPUTE_REASONS, openDispute, reviewDispute } from './flows/disputes';
import { chargeOf, refundCharge } from './flows/refunds';
import { cancelNow, cycle, sweep } from './flows/subscriptions';
import type { LocalPrice } from './objects/price';
import type { Params } from './params';
import type { NewAccount } from './registry';
import { Router } from './router';

// The test-control API under /_control, authenticated with the account's secret key like
// the API. It does what only Stripe (or time, or a payer, or a bank) would do: pay, settle,
// renew, fail, cancel, refund, dispute; it lists the events (tests deliver them to the worker
// themselves, shuffled and duplicated, in tests/replay) and sets webhook delivery. Bodies may
// be JSON or form-encoded; names are camelCase. Actions answer with the events they created,
// in order, so a test can assert the sequence without polling.

export interface ControlContext {
  acct: Account;
  id: string;
  input: Params;
  /** Makes a new, isolated account (its own objects, events, webhook endpoint, clock). */
  createAccount(opts: NewAccount): Account;
}

export type ControlHandler = (ctx: ControlContext) => unknown;

/** Runs an action, waits briefly for its deliveries, and reports the events it created. */
async function act<T>(acct: Account, action: () => T) {
  const mark = acct.events.count();
  const result = await acct.withEvents(action);
  const events = acct.events.since(mark).map(({ event }) => ({ id: event.id, type: event.type }));
  return { result, events };
}

export function controlRouter(): Router<ControlHandler> {
  const r = new Router<ControlHandler>();

  // A new isolated account; `prices` (optional) replaces the seeded catalogue.
  r.add('POST', '/_control/accounts', ({ input, createAccount }) => {
    const acct = createAccount({
      secretKey: input.string('secretKey'),
      webhookUrl: input.string('webhookUrl') ?? null,
      webhookSecret: input.string('webhookSecret'),
      prices: input.objects('prices')?.map(localPrice),
    });
    return {
      secretKey: acct.secretKey,
      webhookSecret: acct.webhooks.settings.secret,
      webhookUrl: acct.webhooks.settings.url,
    };
  });

  const subscription = (acct: Account, id: string) =>
    found(acct.store.subscriptions.get(id), 'subscription', id);
  r.add('POST', '/_control/subscriptions/:id/renew', async ({ acct, id }) => {
    const rec = subscription(acct, id);
    const { events } = await act(acct, () => cycle(acct, rec, 'succeeded'));
    return { subscription: rec.sub, events };
  });
  r.add('POST', '/_control/subscriptions/:id/fail_payment', async ({ acct, id }) => {
    const rec = subscription(acct, id);
    const { events } = await act(acct, () => cycle(acct, rec, 'failed'));
    return { subscription: rec.sub, events };
  });
  r.add('POST', '/_control/subscriptions/:id/cancel', async ({ acct, id }) => {
    const rec = subscription(acct, id);
    const { events } = await act(acct, () => cancelNow(acct, rec));
    return { subscription: rec.sub, events };
  });

  r.add('POST', '/_control/payment_intents/:id/refund', async ({ acct, id, input }) => {
    const pi = found(acct.store.paymentIntents.get(id), 'payment_intent', id);
    const amount = input.int('amount', { min: 1 });
    const { result, events } = await act(acct, () =>
      refundCharge(acct, chargeOf(acct, pi), { amount, reason: 'requested_by_customer' }),
    );
    return { refund: result, events };
  });

  // A cardholder's bank opens a dispute on a PaymentIntent's charge (`inquiry: true` for a
  // pre-dispute inquiry); the network then decides it, or the merchant submits evidence.
  r.add('POST', '/_control/payment_intents/:id/dispute', async ({ acct, id, input }) => {
    const pi = found(acct.store.paymentIntents.get(id), 'payment_intent', id);
    const reason = input.oneOf('reason', DISPUTE_REASONS);
    const inquiry = input.bool('inquiry');
    const { result, events } = await act(acct, () =>
      openDispute(acct, chargeOf(acct, pi), { reason, inquiry }),
    );
    return { dispute: result, events };
  });
  const dispute = (acct: Account, id: string) => found(acct.store.disputes.get(id), 'dispute', id);
  r.add('POST', '/_control/disputes/:id/review', async ({ acct, id }) => {
    const { result, events } = await act(acct, () => reviewDispute(acct, dispute(acct, id)));
    return { dispute: result, events };
  });
  r.add('POST', '/_control/disputes/:id/close', async ({ acct, id, input }) => {
    const outcome = input.oneOf('outcome', ['won', 'lost'] as const);
    if (outcome === undefined) throw missingParam('outcome');
    const { result, events } = await act(acct, () =>
      closeDispute(acct, dispute(acct, id), outcome),
    );
    return { dispute: result, events };
  });

  const session = (acct: Account, id: string) =>
    found(acct.store.sessions.get(id), 'checkout.session', id);
  r.add('POST', '/_control/checkout/sessions/:id/pay', async ({ acct, id, input }) => {
    const rec = session(acct, id);
    const outcome = input.oneOf('outcome', ['success', 'decline', 'async'] as const) ?? 'success';
    const email = input.string('email');
    const { result, events } = await act(acct, () => {
      sweep(acct);
      return payCheckoutSession(acct, rec, outcome, email);
    });
    return { redirectUrl: successRedirect(result), session: result, events };
  });
  r.add('POST', '/_control/checkout/sessions/:id/settle', async ({ acct, id, input }) => {
    const rec = session(acct, id);
    const succeeded = input.bool('succeeded');
    if (succeeded === undefined) throw missingParam('succeeded');
    const { events } = await act(acct, () => settleCheckoutSession(acct, rec, succeeded));
    return { session: rec.session, events };
  });

  r.add('POST', '/_control/delivery', ({ acct, input }) => {
    const settings = acct.webhooks.settings;
    if (input.has('url')) settings.url = input.nullableString('url') ?? null;
    if (input.has('secret')) settings.secret = input.requiredString('secret');
    if (input.has('retryDelaysMs')) {
      settings.retryDelaysMs = input.strings('retryDelaysMs').map((ms, i) => {
        const n = Number(ms);
        if (!Number.isInteger(n) || n < 0)
          throw invalidParam(`retryDelaysMs[${i}]`, 'Invalid delay');
        return n;
      });
    }
    const timeoutMs = input.int('timeoutMs', { min: 1 });
    if (timeoutMs !== undefined) settings.timeoutMs = timeoutMs;
    return { ...settings };
  });

  // Faults on this account's API calls (faults.ts): `{ mode, times?, delayMs?, retryAfter?,
  // shouldRetry? }`; `{ mode: 'none' }` clears. GET reads it with its counters.
  r.add('POST', '/_control/faults', ({ acct, input }) => acct.faults.set(input));
  r.add('GET', '/_control/faults', ({ acct }) => acct.faults.get());

  r.add('GET', '/_control/events', ({ acct, input }) => {
    const type = input.string('type');
    const object = input.string('object');
    const data = acct.events
      .all()
      .map(({ event }) => event)
      .filter(
        (e) =>
          (!type || e.type === type) &&
          (!object || (e.data.object as { id?: string }).id === object),
      );
    return { object: 'list', data };
  });

  r.add('GET', '/_control/deliveries', ({ acct, input }) => {
    const event = input.string('event');
    return {
      object: 'list',
      data: acct.webhooks.deliveries.filter((d) => !event || d.event === event),
    };
  });

  r.add('GET', '/_control/clock', ({ acct }) => ({ now: acct.clock.now() }));
  r.add('POST', '/_control/clock', async ({ acct, input }) => {
    const seconds = input.int('advanceSeconds', { min: 0 });
    if (seconds === undefined) throw missingParam('advanceSeconds');
    const { events } = await act(acct, () => {
      acct.clock.advance(seconds);
      sweep(acct);
    });
    return { now: acct.clock.now(), events };
  });

  return r;
}

/** `{ id, unit_amount, currency, recurring?: { interval, interval_count? }, product_name?, … }` */
function localPrice(p: Params): LocalPrice {
  const recurring = recurringOf(p.object('recurring'));
  return {
    id: p.requiredString('id'),
    unit_amount: p.int('unit_amount', { min: 0 }) ?? 0,
    currency: p.requiredString('currency'),
    ...(recurring ? { recurring } : {}),
    ...(p.has('product_name') ? { product_name: p.requiredString('product_name') } : {}),
    ...(p.has('nickname') ? { nickname: p.requiredString('nickname') } : {}),
    ...(p.has('lookup_key') ? { lookup_key: p.requiredString('lookup_key') } : {}),
  };
}
