import type { IncomingMessage, ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import type { Account } from '../account';
import { StripeLocalError } from '../errors';
import { payCheckoutSession, settleCheckoutSession, successRedirect } from '../flows/checkout-pay';
import { cancelNow, setCancelAtPeriodEnd, sweep } from '../flows/subscriptions';
import { decodeBody, readBody, redirect, sendHtml } from '../http';
import { Params } from '../params';
import { Router } from '../router';
import { html, page } from './layout';
import { payPage, statusPage } from './pay';
import { portalPage } from './portal';

// The browser-facing pages: hosted Checkout (/pay/…) and the customer portal (/portal/…).
// No API key here, like Stripe's hosted pages: the unguessable session id is the key.
// Forms POST and get a 303 back; the answer waits briefly for webhook deliveries first
// (Account.withEvents), so the site usually knows about a payment before the payer lands.

export interface PageContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  /** The account holding an object, looked up across all accounts. */
  findAccount(has: (acct: Account) => boolean): Account | undefined;
}

type PageHandler = (ctx: PageContext) => Promise<void>;

export function pageRouter(): Router<PageHandler> {
  const r = new Router<PageHandler>();
  r.add('GET', '/', async ({ res }) => sendHtml(res, 200, indexPage()));

  r.add('GET', '/pay/:id', async (ctx) => {
    const found = session(ctx);
    if (!found) return notFound(ctx.res, 'checkout session');
    await found.acct.withEvents(() => sweep(found.acct));
    sendHtml(ctx.res, 200, payPage(found.rec, found.rec.lastError));
  });

  r.add('POST', '/pay/:id', async (ctx) => {
    const found = session(ctx);
    if (!found) return notFound(ctx.res, 'checkout session');
    const { acct, rec } = found;
    const form = await formOf(ctx.req);
    const outcome = form.oneOf('outcome', ['success', 'decline', 'async'] as const) ?? 'success';
    try {
      await acct.withEvents(() => {
        sweep(acct);
        payCheckoutSession(acct, rec, outcome, form.string('email') || undefined);
      });
    } catch (error) {
      if (!(error instanceof StripeLocalError)) throw error;
      const status = error.type === 'card_error' ? 402 : 400;
      return sendHtml(
        ctx.res,
        status,
        rec.session.status === 'open' ? payPage(rec, error.message) : statusPage(rec),
      );
    }
    redirect(ctx.res, successRedirect(rec.session) ?? `/pay/${rec.session.id}`);
  });

  r.add('POST', '/pay/:id/settle', async (ctx) => {
    const found = session(ctx);
    if (!found) return notFound(ctx.res, 'checkout session');
    const form = await formOf(ctx.req);
    if (found.rec.pendingAsync) {
      await found.acct.withEvents(() =>
        settleCheckoutSession(found.acct, found.rec, form.bool('succeeded') ?? true),
      );
    }
    redirect(ctx.res, `/pay/${found.rec.session.id}`);
  });

  r.add('GET', '/portal/:id', async (ctx) => {
    const found = portal(ctx);
    if (!found) return notFound(ctx.res, 'portal session');
    await found.acct.withEvents(() => sweep(found.acct));
    sendHtml(ctx.res, 200, renderPortal(found.acct, found.session));
  });

  r.add('POST', '/portal/:id/subscriptions/:sub/:action', async (ctx) => {
    const found = portal(ctx);
    if (!found) return notFound(ctx.res, 'portal session');
    const { acct, session } = found;
    const rec = acct.store.subscriptions.get(ctx.params.sub ?? '');
    if (!rec || rec.sub.customer !== session.customer) return notFound(ctx.res, 'subscription');
    await readBody(ctx.req);
    try {
      await acct.withEvents(() => {
        switch (ctx.params.action) {
          case 'cancel':
            return setCancelAtPeriodEnd(acct, rec, true);
          case 'resume':
            return setCancelAtPeriodEnd(acct, rec, false);
          case 'cancel_now':
            return cancelNow(acct, rec, 'cancellation_requested');
          default:
            throw new StripeLocalError(404, 'invalid_request_error', 'Unknown portal action.');
        }
      });
    } catch (error) {
      if (!(error instanceof StripeLocalError)) throw error;
      return sendHtml(ctx.res, 400, renderPortal(acct, session, error.message));
    }
    redirect(ctx.res, `/portal/${session.id}`);
  });
  return r;
}

function session({ params, findAccount }: PageContext) {
  const id = params.id ?? '';
  const acct = findAccount((a) => a.store.sessions.has(id));
  const rec = acct?.store.sessions.get(id);
  return acct && rec ? { acct, rec } : null;
}

function portal({ params, findAccount }: PageContext) {
  const id = params.id ?? '';
  const acct = findAccount((a) => a.store.portalSessions.has(id));
  const session = acct?.store.portalSessions.get(id);
  return acct && session ? { acct, session } : null;
}

function renderPortal(
  acct: Account,
  session: Stripe.BillingPortal.Session,
  error: string | null = null,
) {
  const customer = acct.store.customers.get(session.customer);
  if (!customer) throw new Error(`stripe-local: portal session ${session.id} lost its customer`);
  const subs = [...acct.store.subscriptions.values()]
    .map((rec) => rec.sub)
    .filter((sub) => sub.customer === session.customer);
  const productName = (price: Stripe.Price) =>
    acct.store.products.get(String(price.product))?.name ?? price.nickname ?? price.id;
  return portalPage(session, customer, subs, productName, error);
}

async function formOf(req: IncomingMessage): Promise<Params> {
  return new Params(decodeBody(req.headers['content-type'], await readBody(req)));
}

function notFound(res: ServerResponse, what: string): void {
  sendHtml(
    res,
    404,
    page(
      'Not found',
      html`<h1>No such ${what}</h1><p>It may belong to an emulator that has restarted.</p>`,
    ),
  );
}

function indexPage(): string {
  return page(
    'stripe-local',
    html`<h1>stripe-local</h1>
      <p>An offline Stripe emulator for development and tests. Point the <code>stripe</code> SDK at
      this host with <code>host</code>, <code>port</code> and <code>protocol: 'http'</code>.</p>
      <p>Hosted Checkout pages live at <code>/pay/&lt;session&gt;</code>, the customer portal at
      <code>/portal/&lt;session&gt;</code>, the test-control API under <code>/_control</code>.</p>`,
  );
}
