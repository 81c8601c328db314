import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { MAX_READER_ID_LENGTH } from '../contract/cookies';
import { AppError } from '../errors';
import { requireSiteApiKey } from '../http/api-key';
import { limitBody } from '../http/body-limit';
import type { AppEnv } from '../http/context';
import { validationHook } from '../http/validation';
import { addressKey, normalizeAddress } from '../identity/address';
import { errorResponseDoc } from '../schemas/error';

/** Bodies, not paths: a person's ids stay out of URLs, and so out of every access log. */
const MAX_ERASURE_BODY_BYTES = 1024;

const EraseReaderSchema = z
  .object({
    readerId: z
      .string()
      .min(1)
      .max(MAX_READER_ID_LENGTH)
      .openapi({ description: 'The signed reader id the access API answered as `reader.id`.' }),
  })
  .strict()
  .openapi('EraseReaderRequest');

const EraseUserSchema = z
  .object({
    userId: z.string().min(1).max(256).openapi({
      description:
        'The site’s own user id, as it was sent as `reader.userId`. Only its keyed pseudonym is looked up.',
    }),
  })
  .strict()
  .openapi('EraseUserRequest');

const EraseAccountSchema = z
  .object({
    email: z.string().min(1).max(320).openapi({
      description:
        'The address the reader signed in with (any capitalisation). Only its keyed hash is looked up; the address is not stored.',
    }),
  })
  .strict()
  .openapi('EraseAccountRequest');

const errors = {
  401: errorResponseDoc('Missing or wrong site API key'),
  503: errorResponseDoc('Redis did not answer, or the scan did not finish: call again'),
  500: errorResponseDoc('Bad configuration or an internal error'),
};

const eraseReaderRoute = createRoute({
  method: 'delete',
  tags: ['privacy'],
  security: [{ siteApiKey: [] }],
  middleware: [requireSiteApiKey(), limitBody(MAX_ERASURE_BODY_BYTES)] as const,
  path: '/v1/readers',
  operationId: 'eraseReader',
  summary: 'Erase everything stored under one reader id',
  description:
    'Deletes the meter windows of every period, the checkout rate-limit windows and the checkout redemptions held for this reader id. The reader id is sent in the JSON body, never in the URL. Idempotent: 204 again when nothing is left. A reader id this service did not sign is refused with 400, so raw ids cannot be guessed.',
  request: {
    body: { required: true, content: { 'application/json': { schema: EraseReaderSchema } } },
  },
  responses: {
    204: { description: 'Erased, or nothing was stored' },
    400: errorResponseDoc(
      'Malformed JSON, a missing or oversized field, or not a reader id this service signed',
    ),
    ...errors,
  },
});

const eraseUserRoute = createRoute({
  method: 'delete',
  tags: ['privacy'],
  security: [{ siteApiKey: [] }],
  middleware: [requireSiteApiKey(), limitBody(MAX_ERASURE_BODY_BYTES)] as const,
  path: '/v1/users',
  operationId: 'eraseUser',
  summary: 'Erase everything stored under one site user id',
  description:
    'Deletes the meter windows, checkout rate-limit windows and redemptions kept under the user id’s pseudonym and the `sub-by-user` index, and removes the pseudonym from the subscriber record it pointed to. The record itself stays: its Stripe ids are the publisher’s to erase in Stripe. The user id is sent in the JSON body, never in the URL. Idempotent: 204 again when nothing is left.',
  request: {
    body: { required: true, content: { 'application/json': { schema: EraseUserSchema } } },
  },
  responses: {
    204: { description: 'Erased, or nothing was stored' },
    400: errorResponseDoc('Malformed JSON, or a missing, empty or oversized user id'),
    ...errors,
  },
});

const eraseAccountRoute = createRoute({
  method: 'delete',
  tags: ['privacy'],
  security: [{ siteApiKey: [] }],
  middleware: [requireSiteApiKey(), limitBody(MAX_ERASURE_BODY_BYTES)] as const,
  path: '/v1/accounts',
  operationId: 'eraseAccount',
  summary: 'Erase a signed-in account, found by its e-mail address',
  description:
    'Deletes what the service keeps under the address’s keyed hash: the account record, every device’s session, a pending sign-in code, the account’s meter windows and its sign-in rate-limit windows, and the `sub-by-account` link to a subscriber record, which stays (its Stripe ids are the publisher’s to erase in Stripe) and is marked so that a later webhook does not link the account again from the address Stripe holds. Signed-in devices are signed out. The address is sent in the JSON body, never in the URL. Idempotent: 204 again when nothing is left.',
  request: {
    body: { required: true, content: { 'application/json': { schema: EraseAccountSchema } } },
  },
  responses: {
    204: { description: 'Erased, or nothing was stored' },
    400: errorResponseDoc('Malformed JSON, or a missing, oversized or malformed address'),
    ...errors,
  },
});

export const erasureRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(eraseReaderRoute, async (c) => {
    const rawId = await c.var.services.readers.verify(c.req.valid('json').readerId);
    if (rawId === null)
      throw new AppError('invalid_request', 'readerId is not a reader id this service issued.');
    await run(() => c.var.services.erasure.eraseReader(rawId));
    return c.body(null, 204);
  })
  .openapi(eraseUserRoute, async (c) => {
    const userKey = await c.var.services.readers.pseudonym(c.req.valid('json').userId);
    await run(() => c.var.services.erasure.eraseUser(userKey));
    return c.body(null, 204);
  })
  .openapi(eraseAccountRoute, async (c) => {
    const address = normalizeAddress(c.req.valid('json').email);
    if (address === null) throw new AppError('invalid_request', 'email is not an e-mail address.');
    const accountKey = await addressKey(c.var.services.readers, address);
    await run(() => c.var.services.erasure.eraseAccount(accountKey));
    return c.body(null, 204);
  });

async function run(erase: () => Promise<void>): Promise<void> {
  try {
    await erase();
  } catch {
    throw new AppError(
      'service_unavailable',
      'Erasure could not finish right now; nothing is half-kept for long, call again.',
    );
  }
}
