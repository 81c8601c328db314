import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { type ChoiceInput, planLabel, resolveChoice } from '../billing/checkout';
import { AppError, RETRY_SOON } from '../errors';
import { assignVariant } from '../experiments/assign';
import { limitBody } from '../http/body-limit';
import type { AppEnv } from '../http/context';
import { clearCookie, readCookie, setReaderCookie } from '../http/cookies';
import { readerIp } from '../http/reader-ip';
import { safeReturnPath } from '../http/return-to';
import { requireSiteOrBrowserForm, returnOrigin } from '../http/site-origin';
import { validationHook } from '../http/validation';
import { sessionPolicy } from '../identity/session';
import { logEvent } from '../log';
import { resolveReader, withoutAccount } from '../reader/reader';
import {
  type CheckoutForm,
  CheckoutFormSchema,
  type CheckoutJson,
  CheckoutJsonSchema,
  CheckoutResponseSchema,
  majorToMinor,
} from '../schemas/checkout';
import { formErrorResponseDoc } from '../schemas/error';

const checkoutRoute = createRoute({
  method: 'post',
  path: '/v1/checkout',
  operationId: 'createCheckout',
  tags: ['billing'],
  summary: 'Create a Stripe Checkout Session (303 for the prompt form, { url } for JSON)',
  description:
    "Two callers. The site's server posts JSON with its API key and gets `{ url }`. The prompt's form posts from a reader's browser without a key (its Origin must be ours or an allowed site) and is redirected to Stripe. Errors are a page for a browser form (Accept: text/html), the JSON envelope otherwise. The body is at most 8 KB.",
  // JSON needs the key; the browser form has none (the Origin check stands in for it).
  security: [{ siteApiKey: [] }, {}] as Record<string, string[]>[],
  middleware: [requireSiteOrBrowserForm(), limitBody(8 * 1024)] as const,
  request: {
    body: {
      // Not `required`: with two media types, zod-openapi would then run both validators on
      // every body. Optional runs the one matching Content-Type (and 415s anything else).
      required: false,
      content: {
        'application/json': { schema: CheckoutJsonSchema },
        'application/x-www-form-urlencoded': { schema: CheckoutFormSchema },
      },
    },
  },
  responses: {
    200: {
      description: 'JSON callers',
      content: { 'application/json': { schema: CheckoutResponseSchema } },
    },
    303: { description: 'Form posts: to Stripe Checkout' },
    400: formErrorResponseDoc(
      'Unknown plan, amount out of bounds, currency not offered, unsafe returnTo, a body over 8 KB, or neither/both of plan and contribution',
    ),
    401: formErrorResponseDoc('JSON without a valid site API key'),
    403: formErrorResponseDoc('A browser form from an origin that is not allowed'),
    429: formErrorResponseDoc('Too many checkouts from this IP or reader (see Retry-After)'),
    500: formErrorResponseDoc('Bad configuration (offers or rate limits) or an internal error'),
    503: formErrorResponseDoc('Redis or Stripe unreachable'),
  },
});

export const checkoutRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  checkoutRoute,
  async (c) => {
    const services = c.var.services;
    const isJson = /json/i.test(c.req.header('content-type') ?? '');
    const offers = services.config.offers;

    let input: ChoiceInput;
    let returnToRaw: string | undefined;
    let readerInput: { id?: string; userId?: string; account?: string };
    let shownIn: string | undefined;
    if (isJson) {
      // Both media types are declared, so valid() is typed as their union: narrow by header.
      const body = c.req.valid('json') as CheckoutJson;
      input =
        body.plan !== undefined
          ? { plan: body.plan }
          : { contribution: body.contribution as NonNullable<typeof body.contribution> };
      returnToRaw = body.returnTo;
      readerInput = { id: body.readerId, userId: body.userId };
    } else {
      const form = c.req.valid('form') as CheckoutForm;
      const amount =
        form.customAmount !== undefined ? majorToMinor(form.customAmount) : Number(form.amount);
      input =
        form.plan !== undefined
          ? { plan: form.plan }
          : {
              contribution: {
                amount,
                currency: form.currency ?? offers.contributions?.currency ?? '',
                recurring: form.recurring === 'monthly',
              },
            };
      returnToRaw = form.returnTo;
      readerInput = { id: readCookie(c, 'paywall_rid'), account: readCookie(c, 'paywall_acct') };
      shownIn = form.experiment;
    }

    const returnTo = safeReturnPath(returnToRaw);
    if (returnTo === null)
      throw new AppError(
        'invalid_request',
        'returnTo must be a same-site relative path such as /news/story.',
      );
    const resolved = resolveChoice(input, offers);
    if (!resolved.ok) throw new AppError('invalid_request', resolved.message);

    let reader = await resolveReader(
      readerInput,
      services.readers,
      sessionPolicy(services.config.accounts.sessionDays, services.now()),
    );
    if (!isJson && reader.issued) setReaderCookie(c, reader.id);
    // The payment is linked to the account only while this device's sign-in lives: a
    // device signed out elsewhere, or an erased account, pays as this browser.
    if (reader.accountKey && reader.accountSession) {
      const { accountKey, accountSession } = reader;
      const alive = await services.accounts.sessionAlive(accountSession, accountKey).catch(() => {
        throw new AppError(
          'service_unavailable',
          'Checkout is unavailable right now; please try again shortly.',
          RETRY_SOON,
        );
      });
      if (!alive) {
        reader = withoutAccount(reader);
        if (!isJson) clearCookie(c, 'paywall_acct');
      }
    }
    // Signed-in readers are limited and linked as their user, like the meter counts them.
    const readerId = reader.userKey ?? reader.rawId;

    const ip = await readerIp(c);
    let limited: Awaited<ReturnType<typeof services.checkoutRateLimit.check>>;
    try {
      limited = await services.checkoutRateLimit.check(ip, readerId);
    } catch {
      throw new AppError(
        'service_unavailable',
        'Checkout is unavailable right now; please try again shortly.',
        RETRY_SOON,
      );
    }
    if (!limited.ok) {
      throw new AppError('rate_limited', 'Too many checkout attempts; please wait a moment.', {
        'Retry-After': String(limited.retryAfterSeconds),
      });
    }

    // A checkout from a variant's prompt (its form says which, and it is this reader's) is
    // counted under that variant, and the session carries it to the payment. Anything else (the
    // site's own button, JSON from the site's server) is counted under no variant.
    const variant =
      shownIn !== undefined &&
      assignVariant(reader.rawId, services.config.experiment)?.id === shownIn
        ? shownIn
        : undefined;
    let url: string | null;
    try {
      url = await services.billing.createCheckout(resolved.choice, {
        readerId,
        browserReaderId: reader.rawId,
        userKey: reader.userKey,
        accountKey: reader.accountKey,
        variant,
        returnTo,
        origin: returnOrigin(c),
        now: services.now(),
      });
    } catch (error) {
      logEvent('error', 'checkout_create_failed', {
        requestId: c.get('requestId'),
        error: (error as Error).name,
      });
      throw new AppError(
        'service_unavailable',
        'Checkout is unavailable right now; please try again shortly.',
        RETRY_SOON,
      );
    }
    if (!url) {
      throw new AppError(
        'service_unavailable',
        'Stripe did not return a checkout URL.',
        RETRY_SOON,
      );
    }

    services.stats.checkout(planLabel(resolved.choice), variant, services.now());
    c.header('Cache-Control', 'no-store');
    if (isJson) return c.json({ url }, 200);
    return c.redirect(url, 303);
  },
);
