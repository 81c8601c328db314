import type Stripe from 'stripe';
import { mainItem } from '../objects/subscription';
import { date, html, money, page } from './layout';

// GET /portal/:id: the customer portal, reduced to what a subscriber of a news site does:
// see their subscriptions, cancel at period end (or undo that), cancel now, and go back.

export function portalPage(
  session: Stripe.BillingPortal.Session,
  customer: Stripe.Customer,
  subscriptions: Stripe.Subscription[],
  productName: (price: Stripe.Price) => string,
  error: string | null = null,
): string {
  const base = `/portal/${session.id}/subscriptions`;
  return page(
    'Manage your subscription',
    html`
      <h1>Manage your subscription</h1>
      <p class="muted">${customer.email ?? customer.id}</p>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      ${subscriptions.length === 0 ? html`<p>You have no subscriptions.</p>` : ''}
      ${subscriptions.map((sub) => {
        const item = mainItem(sub);
        const price = item.price;
        const interval = price.recurring?.interval ?? 'period';
        return html`<section id="${sub.id}">
          <h2>${productName(price)}</h2>
          <p>${money(price.unit_amount ?? 0, price.currency)} / ${interval} ·
            status <strong class="status">${sub.status}</strong></p>
          ${
            sub.status === 'canceled'
              ? html`<p>Ended on ${date(sub.ended_at ?? sub.canceled_at ?? 0)}.</p>`
              : sub.cancel_at_period_end
                ? html`<p class="cancel-notice">Cancels on ${date(sub.cancel_at ?? item.current_period_end)}.</p>`
                : html`<p>Renews on ${date(item.current_period_end)}.</p>`
          }
          ${
            sub.status === 'canceled'
              ? ''
              : html`<div class="row">
                  ${
                    sub.cancel_at_period_end
                      ? html`<form method="post" action="${base}/${sub.id}/resume" class="inline">
                          <button type="submit" class="secondary">Don't cancel</button></form>`
                      : html`<form method="post" action="${base}/${sub.id}/cancel" class="inline">
                          <button type="submit">Cancel subscription</button></form>`
                  }
                  <form method="post" action="${base}/${sub.id}/cancel_now" class="inline">
                    <button type="submit" class="danger">Cancel now</button></form>
                </div>`
          }
        </section>`;
      })}
      ${session.return_url ? html`<p><a href="${session.return_url}" id="return">Return</a></p>` : ''}
    `,
  );
}
