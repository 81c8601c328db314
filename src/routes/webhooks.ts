import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError } from '../errors';
import { limitBody } from '../http/body-limit';
import type { AppEnv } from '../http/context';
import { validationHook } from '../http/validation';
import { logEvent } from '../log';
import { formErrorResponseDoc } from '../schemas/error';

/** Stripe's events are a few KB; anything near this is not from Stripe. */
const MAX_WEBHOOK_BYTES = 256 * 1024;

const webhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/stripe',
  operationId: 'receiveStripeEvent',
  tags: ['billing'],
  summary: 'Stripe events: signed, processed exactly once, re-fetched from Stripe',
  description:
    'Called by Stripe only. The body is checked against the `Stripe-Signature` header as raw bytes (at most 256 KB), so it is described here, not parsed by a schema: the event is re-fetched from Stripe before anything is written.',
  // Stripe signs the body with the endpoint's secret instead of sending a credential.
  security: [],
  middleware: [limitBody(MAX_WEBHOOK_BYTES)] as const,
  request: {
    headers: z.object({
      // Header names are case-insensitive; Hono reads them lowercased.
      'stripe-signature': z.string().openapi({
        description:
          "Stripe's signature of the raw body (`t=…,v1=…`); missing or wrong is a 400 and nothing changes",
        example: 't=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
      }),
    }),
    body: {
      required: true,
      content: {
        // A plain JSON Schema, not zod: the route validates the signature on the raw text and
        // nothing parses the body before that.
        'application/json': {
          schema: {
            type: 'object',
            description: 'A Stripe Event object, exactly as Stripe sent it',
            required: ['id', 'type'],
            properties: { id: { type: 'string' }, type: { type: 'string' } },
          },
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Processed, a duplicate, or a type we do not handle',
      content: {
        'application/json': {
          schema: z.object({ received: z.literal(true), outcome: z.string() }),
        },
      },
    },
    400: formErrorResponseDoc('Missing or bad Stripe-Signature (nothing changed)'),
    503: formErrorResponseDoc(
      'Our processing failed, or the same event is mid-processing: Stripe retries',
    ),
  },
});

/**
 * The webhook rules of docs/architecture.md: check the signature on the raw body; claim the
 * event id atomically; re-fetch from Stripe; 400 only for a bad signature, 2xx for duplicates
 * and unknown types, 5xx for our own failures (and then release the claim so a redelivery
 * can succeed).
 */
export const webhookRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  webhookRoute,
  async (c) => {
    const { billing, eventClaims } = c.var.services;
    const raw = await c.req.text();
    const event = await billing.verifyEvent(raw, c.req.header('stripe-signature'));
    if (!event)
      throw new AppError(
        'invalid_request',
        'The Stripe-Signature header does not match this body.',
      );

    let claim: Awaited<ReturnType<typeof eventClaims.claim>>;
    try {
      claim = await eventClaims.claim(event.id);
    } catch {
      throw new AppError('service_unavailable', 'Storage is unavailable; retry later.');
    }
    if (claim === 'done') return c.json({ received: true as const, outcome: 'duplicate' }, 200);
    if (claim === 'busy')
      throw new AppError('service_unavailable', 'This event is being processed; retry later.');

    try {
      const { outcome, count } = await billing.handleEvent(event);
      // A payment or a cancellation is counted with the done mark, once per event.
      // Counted on the day Stripe made the event, however late a retry delivers it.
      const { stats } = c.var.services;
      const made = new Date(event.created * 1000);
      await eventClaims.done(event.id, count ? stats.billingWrites(count, made) : undefined);
      return c.json({ received: true as const, outcome }, 200);
    } catch (error) {
      logEvent('error', 'webhook_failed', {
        requestId: c.get('requestId'),
        type: event.type,
        error: (error as Error).name,
      });
      await eventClaims.release(event.id).catch(() => {
        // The claim lapses on its own after a minute; Stripe's next retry comes later than that.
      });
      throw new AppError('service_unavailable', 'Processing failed; Stripe will retry.');
    }
  },
);
