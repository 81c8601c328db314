import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { payingBrowser } from '../billing/paying-browser';
import type { Stripe } from '../billing/stripe-client';
import { entitlementForRecord } from '../entitlements/resolve';
import type { AppEnv } from '../http/context';
import { readCookie, setEntitlementCookie } from '../http/cookies';
import { messagePage } from '../http/pages';
import { safeReturnPath } from '../http/return-to';
import { logEvent } from '../log';

/** Every answer of this route that is not a redirect is an HTML page. */
const page = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
});

const completeRoute = createRoute({
  method: 'get',
  path: '/checkout/complete',
  operationId: 'completeCheckout',
  tags: ['billing'],
  description:
    "Opened by the reader's browser from Stripe's success URL. Every answer is an HTML page or a redirect, never JSON, and is never cached.",
  security: [],
  summary:
    'Where Stripe sends the reader back: confirms the session and, for the browser that paid, sets the entitlement cookie once',
  // The URL carries the session id: keep it out of caches and of the next site's Referer,
  // on every answer (validation failures included).
  middleware: [
    createMiddleware(async (c, next) => {
      c.header('Cache-Control', 'private, no-store');
      c.header('Referrer-Policy', 'no-referrer');
      await next();
    }),
  ] as const,
  request: {
    // Whatever arrives (too long, repeated, an array) is read as no id: a browser following a
    // link gets the friendly page, with this route's headers, never a JSON validation error.
    query: z.object({ session_id: z.string().max(256).optional() }),
  },
  responses: {
    303: {
      description:
        'Paid, in the browser that started checkout: back to the article, with the entitlement cookie set the first time',
    },
    200: page(
      'Paid asynchronously and not cleared yet, or already redeemed in this browser: a page saying so',
    ),
    400: page('Unknown or foreign session id: a friendly page'),
    403: page(
      'Another browser (no, a forged or another reader cookie), or a session redeemed by another browser: a page saying where access went',
    ),
    503: page('Stripe or Redis unreachable: a page asking to reload'),
  },
});

const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

/**
 * Confirms with Stripe rather than trusting the redirect: the session is retrieved, and a
 * paid session of ours is synced into the record exactly as the webhook would (whichever
 * runs first does the work, and a stranger opening the link changes nothing but that).
 * Access is granted only to the browser that started checkout (its signed reader cookie
 * names the id bound to the session) and only once per session: the link itself is no key.
 */
export const checkoutCompleteRoutes = new OpenAPIHono<AppEnv>().openapi(
  completeRoute,
  async (c) => {
    const services = c.var.services;
    const { billing, config } = services;
    const sessionId = c.req.valid('query').session_id ?? '';
    const home = { href: '/', label: 'Back to the site' };
    const oneMoment = (link: { href: string; label: string }) =>
      c.html(
        messagePage(
          'One moment',
          'We could not confirm your payment just now. Please reload this page.',
          link,
        ),
        503,
      );
    const refused = (reason: string, link: { href: string; label: string }) => {
      logEvent('info', 'checkout_complete_refused', { requestId: c.get('requestId'), reason });
      return c.html(
        messagePage(
          'Access went to the browser you paid with',
          'This link unlocks reading once, in the browser that paid, and this is not that ' +
            'browser. It reads in full there, and "Manage my support" shows your subscription. ' +
            (services.mailer
              ? 'To read on this device too, choose "Get access on this device" under any ' +
                'article and enter the e-mail address you paid with.'
              : 'To read here, open the article in the browser you paid with.'),
          link,
        ),
        403,
      );
    };

    let session: Stripe.Checkout.Session | null = null;
    if (SESSION_ID.test(sessionId)) {
      try {
        session = await billing.ourSession(sessionId);
      } catch (error) {
        logEvent('error', 'checkout_complete_failed', {
          requestId: c.get('requestId'),
          error: (error as Error).name,
        });
        return oneMoment(home);
      }
    }
    if (!session) return notOurs(c);
    const back = {
      href: safeReturnPath(session.metadata?.returnTo) ?? '/',
      label: 'Back to the article',
    };
    const paid =
      session.status === 'complete' &&
      (session.payment_status === 'paid' || session.payment_status === 'no_payment_required');

    // Stripe's truth is written whoever opens the link (as the webhook would write it);
    // only what follows depends on the browser.
    const record = paid ? await billing.syncSession(session).catch(() => null) : null;
    if (paid && !record) return oneMoment(back);

    const browser = await payingBrowser(session.metadata, c.req.header('cookie'), services.readers);
    if (!browser.ok) return refused(browser.reason, home);

    if (!record) {
      return c.html(
        messagePage(
          'Thank you: your payment is on its way',
          'Access unlocks as soon as your payment clears. You can keep reading in the meantime.',
          back,
        ),
        200,
      );
    }
    const entitlement = await entitlementForRecord(
      record,
      await services.entitlements(),
      services.now(),
    );
    // Nothing to grant (e.g. a thanks-only contribution): nothing to redeem either.
    if (!entitlement?.newToken) return c.redirect(back.href, 303);

    let redemption: Awaited<ReturnType<typeof services.checkoutRedemptions.redeem>>;
    try {
      redemption = await services.checkoutRedemptions.redeem(session.id, browser.readerId);
    } catch (error) {
      logEvent('error', 'checkout_redeem_failed', {
        requestId: c.get('requestId'),
        error: (error as Error).name,
      });
      return oneMoment(back);
    }
    if (redemption === 'redeemed_elsewhere') return refused('redeemed_elsewhere', home);
    if (redemption === 'redeemed_before') {
      // A reload in the browser that paid: the cookie it was given still opens the article.
      if (readCookie(c, 'paywall_ent')) return c.redirect(back.href, 303);
      return c.html(
        messagePage(
          'Already unlocked in this browser',
          'This payment has already unlocked reading in this browser, and it does so only ' +
            "once. If the article is still walled, this browser's cookies were cleared since" +
            (services.mailer
              ? ': choose "Get access on this device" under the article and enter the e-mail ' +
                'address you paid with.'
              : '.'),
          back,
        ),
        200,
      );
    }
    setEntitlementCookie(c, entitlement.newToken, config.entitlements.refreshHorizonDays * 86_400);
    return c.redirect(back.href, 303);
  },
  // A link that fails the schema (too long, repeated, an array) is followed by a browser:
  // the friendly page, never a JSON validation error.
  (result, c) => (result.success ? undefined : notOurs(c)),
);

function notOurs(c: Context<AppEnv>) {
  return c.html(
    messagePage(
      'We could not find that payment',
      'This link is not one of ours, or it has expired.',
      { href: '/', label: 'Back to the site' },
    ),
    400,
  );
}
