import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { safeReturnPath } from '../http/return-to';
import type { Stripe } from '../billing/stripe-client';
import { isOurs } from '../billing/sync';
import { entitlementForRecord } from '../entitlements/resolve';
import type { AppEnv } from '../http/context';
import { setEntitlementCookie } from '../http/cookies';
import { messagePage } from '../http/pages';
import { logEvent } from '../log';

const completeRoute = createRoute({
  method: 'get',
  path: '/checkout/complete',
  summary: 'Where Stripe sends the reader back: confirms the session, sets the entitlement cookie',
  request: {
    query: z.object({ session_id: z.string().max(256).optional() }),
  },
  responses: {
    303: { description: 'Paid: back to the article, with the entitlement cookie set' },
    200: { description: 'Paid asynchronously and not cleared yet: a page saying so' },
    400: { description: 'Unknown or foreign session id: a friendly page' },
    503: { description: 'Stripe or Redis unreachable: a page asking to reload' },
  },
});

/**
 * Confirms with Stripe rather than trusting the redirect: the session is retrieved, and a
 * paid session of ours is synced into the record exactly as the webhook would (whichever
 * runs first does the work). The reader lands back on the article, now entitled.
 */
export const checkoutCompleteRoutes = new OpenAPIHono<AppEnv>().openapi(
  completeRoute,
  async (c) => {
    const { billing, config } = c.var.services;
    const sessionId = c.req.valid('query').session_id ?? '';
    c.header('Cache-Control', 'private, no-store');
    const home = { href: '/', label: 'Back to the site' };

    let session: Stripe.Checkout.Session | null = null;
    if (/^cs_[A-Za-z0-9_]{1,250}$/.test(sessionId)) {
      try {
        session = await billing.stripe.checkout.sessions.retrieve(sessionId);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) {
          logEvent('error', 'checkout_complete_failed', {
            requestId: c.get('requestId'),
            error: (error as Error).name,
          });
          return c.html(
            messagePage(
              'One moment',
              'We could not confirm your payment just now. Please reload this page.',
              home,
            ),
            503,
          );
        }
      }
    }
    if (!session || !isOurs(session.metadata, billing.deploymentId)) {
      return c.html(
        messagePage(
          'We could not find that payment',
          'This link is not one of ours, or it has expired.',
          home,
        ),
        400,
      );
    }
    const back = {
      href: safeReturnPath(session.metadata?.returnTo) ?? '/',
      label: 'Back to the article',
    };
    if (
      session.status !== 'complete' ||
      (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required')
    ) {
      return c.html(
        messagePage(
          'Thank you: your payment is on its way',
          'Access unlocks as soon as your payment clears. You can keep reading in the meantime.',
          back,
        ),
        200,
      );
    }

    const record = await billing.syncSession(session).catch(() => null);
    if (!record) {
      return c.html(
        messagePage(
          'One moment',
          'We could not confirm your payment just now. Please reload this page.',
          back,
        ),
        503,
      );
    }
    const services = c.var.services;
    const entitlement = await entitlementForRecord(
      record,
      await services.entitlements(),
      services.now(),
    );
    if (entitlement?.newToken) {
      setEntitlementCookie(
        c,
        entitlement.newToken,
        config.entitlements.refreshHorizonDays * 86_400,
      );
    }
    return c.redirect(back.href, 303);
  },
);
