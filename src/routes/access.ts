import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { decideAccess } from '../access/policy';
import { AppError } from '../errors';
import { requireSiteApiKey } from '../http/api-key';
import type { AppEnv } from '../http/context';
import { validationHook } from '../http/validation';
import { resolveReader } from '../reader/reader';
import { classifyArticle } from '../rules/rules';
import { AccessRequestSchema, type AccessResponse, AccessResponseSchema } from '../schemas/access';
import { errorResponse } from '../schemas/error';

export const MAX_ACCESS_BODY_BYTES = 16 * 1024;
export const DEGRADED_HEADER = 'Paywall-Degraded';

const accessRoute = createRoute({
  method: 'post',
  path: '/v1/access',
  summary: 'Access decision for one reader and one article',
  security: [{ siteApiKey: [] }],
  middleware: [
    requireSiteApiKey(),
    bodyLimit({
      maxSize: MAX_ACCESS_BODY_BYTES,
      onError: () => {
        throw new AppError('invalid_request', `The body exceeds ${MAX_ACCESS_BODY_BYTES} bytes.`);
      },
    }),
  ] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: AccessRequestSchema } } },
  },
  responses: {
    200: {
      description: 'The decision',
      content: { 'application/json': { schema: AccessResponseSchema } },
    },
    400: errorResponse('Malformed JSON, wrong types or an oversized body'),
    401: errorResponse('Missing or wrong site API key'),
    500: errorResponse('Bad configuration or an internal error'),
  },
});

/** request → reader → rules → meter → decision → response */
export const accessRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  accessRoute,
  async (c) => {
    const { article, reader: readerInput, consume } = c.req.valid('json');
    const { config, readers, meter, now } = c.var.services;

    const reader = await resolveReader(readerInput, readers);
    const articleAccess = classifyArticle(article, config.rules);
    const meterResult =
      articleAccess === 'metered'
        ? await meter.read(reader.subject, article.id, { consume, now: now() })
        : null;
    const decision = decideAccess({
      articleAccess,
      meter: meterResult,
      onMeterFailure: config.onMeterFailure,
    });

    const body: AccessResponse = {
      access: decision.access,
      reason: decision.reason,
      reader: { id: reader.token },
      meter: decision.meter && {
        ...decision.meter,
        resetsAt: decision.meter.resetsAt.toISOString(),
      },
      entitlement: null,
    };
    c.header('Cache-Control', 'private, no-store');
    if (decision.degraded) c.header(DEGRADED_HEADER, `meter-${decision.degraded}`);
    return c.json(body, 200);
  },
);
