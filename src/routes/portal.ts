import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { verifyEntitlement } from '../entitlements/token';
import { AppError } from '../errors';
import { limitBody } from '../http/body-limit';
import type { AppEnv } from '../http/context';
import { readCookie } from '../http/cookies';
import { requireReturnPath } from '../http/return-to';
import { requireBrowserForm, returnOrigin } from '../http/site-origin';
import { validationHook } from '../http/validation';
import { logEvent } from '../log';
import { formErrorResponseDoc } from '../schemas/error';

const portalRoute = createRoute({
  method: 'post',
  path: '/v1/portal',
  operationId: 'openPortal',
  tags: ['billing'],
  summary: "303 to Stripe's customer portal for the reader holding the entitlement cookie",
  description:
    'Posted by the prompt\'s "Manage my support" form. Identifies the subscriber by the entitlement cookie, never by anything in the body; a form from an origin that is not allowed is refused first. Errors are a page for a browser (Accept: text/html), the JSON envelope otherwise. The body is at most 4 KB.',
  security: [],
  // The prompt's form, from a browser on our origin or an allowed site: anything else is
  // refused before the cookie is looked at (a forged cross-site post is a 403).
  middleware: [requireBrowserForm(), limitBody(4 * 1024)] as const,
  request: {
    body: {
      required: false,
      content: {
        'application/x-www-form-urlencoded': {
          schema: z.object({
            returnTo: z.string().max(512).optional().openapi({
              description: 'Same-site relative path Stripe sends the reader back to',
            }),
          }),
        },
      },
    },
  },
  responses: {
    303: {
      description:
        "To Stripe's customer portal (or, for a browser without an entitlement, back to the prompt)",
    },
    400: formErrorResponseDoc(
      'Not a form post, a body over 4 KB, or a returnTo that is longer than 512 characters or not a same-site relative path',
    ),
    401: formErrorResponseDoc('No valid entitlement cookie (callers that do not accept text/html)'),
    403: formErrorResponseDoc(
      'A form from an origin that is not allowed, or reading access found by e-mail address (not the browser or account that paid)',
    ),
    503: formErrorResponseDoc('Redis or Stripe unreachable'),
  },
});

export const portalRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  portalRoute,
  async (c) => {
    const services = c.var.services;
    const form = (c.req.valid('form') ?? {}) as { returnTo?: string };
    const returnTo = requireReturnPath(form.returnTo);
    const origin = returnOrigin(c);
    const token = readCookie(c, 'paywall_ent');
    const deps = await services.entitlements();
    // An expired token inside the refresh horizon still proves who the subscriber is.
    const check = token
      ? await verifyEntitlement(token, deps.ring, deps.policy, services.now())
      : null;
    const subscriberId = check && check.kind !== 'invalid' ? check.claims.sub : null;
    // Reading access found through an address nobody proved (typed at Checkout) is not the
    // payer's billing: their card and subscription stay with the browser or account that paid.
    if (check && check.kind !== 'invalid' && check.claims.ent.scope === 'read') {
      throw new AppError(
        'forbidden',
        'Support found by e-mail address can be managed from the browser you paid with, or through the link in the receipt Stripe e-mailed you.',
      );
    }

    const record = subscriberId
      ? await services.subscribers.get(subscriberId).catch(() => {
          throw new AppError(
            'service_unavailable',
            'The customer portal is unavailable right now.',
          );
        })
      : null;
    const customer = record?.stripe.customerId;
    if (!customer) {
      // Back to the prompt on the page the reader came from (its own fragment gives way).
      if (/text\/html/i.test(c.req.header('accept') ?? ''))
        return c.redirect(`${returnTo.replace(/#.*$/s, '')}#paywall-prompt`, 303);
      throw new AppError(
        'unauthorized',
        'No valid entitlement: subscribe or restore access first.',
      );
    }
    try {
      const url = await services.billing.portalUrl(customer, `${origin}${returnTo}`);
      c.header('Cache-Control', 'no-store');
      return c.redirect(url, 303);
    } catch (error) {
      logEvent('error', 'portal_failed', {
        requestId: c.get('requestId'),
        error: (error as Error).name,
      });
      throw new AppError('service_unavailable', 'The customer portal is unavailable right now.');
    }
  },
);
