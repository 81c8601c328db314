import type Stripe from 'stripe';
import type { SessionRecord } from '../store';
import { html, money, page, type Raw } from './layout';

// GET /pay/:session: the hosted Checkout page. An open session shows its line items and a
// Pay form whose radio buttons choose the card's outcome; a finished one shows its state,
// and for a pending asynchronous payment, buttons to settle it.

export const OUTCOMES = [
  { value: 'success', label: 'Card 4242 4242 4242 4242: succeeds' },
  { value: 'decline', label: 'Card 4000 0000 0000 0002: declined (card_declined)' },
  { value: 'async', label: 'Delayed payment method: completes now, settles later' },
] as const;

export function payPage(rec: SessionRecord, error: string | null = null): string {
  const s = rec.session;
  if (s.status !== 'open') return statusPage(rec);
  const email = s.customer_email ?? s.customer_details?.email ?? '';
  return page(
    'Checkout',
    html`
      <h1>${title(s)}</h1>
      ${lineItemTable(rec)}
      ${error ? html`<p class="error" role="alert" id="pay-error">${error}</p>` : ''}
      <form method="post" action="/pay/${s.id}">
        <label for="email">Email</label>
        <input type="email" id="email" name="email" value="${email}" autocomplete="email"
          ${s.customer_email ? html`readonly` : ''}>
        <fieldset>
          <legend>Payment outcome</legend>
          ${OUTCOMES.map(
            (o, i) => html`<label><input type="radio" name="outcome" value="${o.value}"
              ${i === 0 ? html`checked` : ''}> ${o.label}</label>`,
          )}
        </fieldset>
        <div class="row">
          <button type="submit" id="pay">${submitLabel(s)} ${money(s.amount_total ?? 0, s.currency ?? 'usd')}</button>
          ${s.cancel_url ? html`<a href="${s.cancel_url}" id="cancel">Cancel and go back</a>` : ''}
        </div>
      </form>
      <p class="muted">Session ${s.id} · expires ${new Date(s.expires_at * 1000).toISOString()}</p>
    `,
  );
}

/** A session that is no longer open: complete (perhaps awaiting settlement) or expired. */
export function statusPage(rec: SessionRecord): string {
  const s = rec.session;
  const heading =
    s.status === 'expired'
      ? 'This checkout session has expired'
      : rec.pendingAsync
        ? 'Payment processing'
        : 'Payment complete';
  return page(
    heading,
    html`
      <h1>${heading}</h1>
      ${lineItemTable(rec)}
      <p>Status: <strong id="status">${s.status}</strong>,
         payment: <strong id="payment-status">${s.payment_status}</strong></p>
      ${
        rec.pendingAsync
          ? html`<div class="row">
              <form method="post" action="/pay/${s.id}/settle" class="inline">
                <input type="hidden" name="succeeded" value="true">
                <button type="submit" id="settle-succeeded">Settle: payment succeeds</button>
              </form>
              <form method="post" action="/pay/${s.id}/settle" class="inline">
                <input type="hidden" name="succeeded" value="false">
                <button type="submit" class="danger" id="settle-failed">Settle: payment fails</button>
              </form>
            </div>`
          : ''
      }
      ${
        s.status === 'complete' && s.success_url
          ? html`<p><a href="${s.success_url.replaceAll('{CHECKOUT_SESSION_ID}', s.id)}">Continue</a></p>`
          : ''
      }
      ${s.status === 'expired' && s.cancel_url ? html`<p><a href="${s.cancel_url}">Go back</a></p>` : ''}
    `,
  );
}

function lineItemTable(rec: SessionRecord): Raw {
  const s = rec.session;
  return html`<table>
    <thead><tr><th>Item</th><th>Qty</th><th class="amount">Amount</th></tr></thead>
    <tbody>
      ${rec.lineItems.map(
        (li) => html`<tr><td>${li.description}${recurringText(li.price)}</td><td>${li.quantity}</td>
          <td class="amount">${money(li.amount_total, li.currency)}</td></tr>`,
      )}
    </tbody>
    <tfoot><tr><th colspan="2">Total</th>
      <th class="amount" id="total">${money(s.amount_total ?? 0, s.currency ?? 'usd')}</th></tr></tfoot>
  </table>`;
}

function recurringText(price: Stripe.Price | null): string {
  const r = price?.recurring;
  if (!r) return '';
  return r.interval_count === 1 ? ` / ${r.interval}` : ` / ${r.interval_count} ${r.interval}s`;
}

function title(s: Stripe.Checkout.Session): string {
  if (s.submit_type === 'donate') return 'Make a contribution';
  return s.mode === 'subscription' ? 'Subscribe' : 'Pay';
}

function submitLabel(s: Stripe.Checkout.Session): string {
  switch (s.submit_type) {
    case 'donate':
      return 'Donate';
    case 'book':
      return 'Book';
    case 'subscribe':
      return 'Subscribe';
    default:
      return s.mode === 'subscription' ? 'Subscribe' : 'Pay';
  }
}
