import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { decide } from '../access/decide';
import { DEGRADED_HEADER } from '../contract/headers';
import type { Entitlement } from '../entitlements/resolve';
import { requireSiteApiKey } from '../http/api-key';
import { limitBody } from '../http/body-limit';
import type { AppEnv } from '../http/context';
import { validationHook } from '../http/validation';
import { isCrawlerIp } from '../proxy/crawler';
import {
  AccessRequestSchema,
  type AccessResponse,
  AccessResponseSchema,
  MAX_ACCESS_BODY_BYTES,
} from '../schemas/access';
import { formErrorResponseDoc } from '../schemas/error';
import { countView } from '../stats/count-view';

export { MAX_ACCESS_BODY_BYTES };

const accessRoute = createRoute({
  method: 'post',
  path: '/v1/access',
  operationId: 'decideAccess',
  tags: ['access'],
  summary: 'Access decision for one reader and one article',
  description:
    'Called by the site (or its edge middleware) for every article view. Counts the read against the meter unless `consume` is false, and answers the verdict with the reader id and entitlement to store. The body is at most 16 KB.',
  security: [{ siteApiKey: [] }],
  middleware: [requireSiteApiKey(), limitBody(MAX_ACCESS_BODY_BYTES)] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: AccessRequestSchema } } },
  },
  responses: {
    200: {
      description:
        'The decision: `granted` or `denied` for a counted read, `peek` (with `wouldBe`) for every `consume: false` request',
      content: { 'application/json': { schema: AccessResponseSchema } },
    },
    400: formErrorResponseDoc('Malformed JSON, wrong types or an oversized body'),
    401: formErrorResponseDoc('Missing or wrong site API key'),
    500: formErrorResponseDoc('Bad configuration or an internal error'),
  },
});

/** request → reader → entitlement → rules → meter → decision → response */
export const accessRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  accessRoute,
  async (c) => {
    const { article, reader: readerInput, consume } = c.req.valid('json');
    const services = c.var.services;
    const verifiedCrawler = readerInput.ip !== undefined && isCrawlerIp(readerInput.ip);
    const now = services.now();
    const decided = await decide(
      services,
      { article, reader: readerInput, consume, verifiedCrawler },
      now,
    );
    // Under no experiment variant: variants shape only the prompt the proxy injects.
    countView(services.stats, undefined, decided, now);
    // A site drawing its own wall shows the prompt on a walled article (the edge client does):
    // counted here, authenticated, not where the public fragment is served.
    if (decided.decision.access === 'denied') services.stats.prompt('wall', undefined, now);
    const { decision, reader, entitlement } = decided;

    const fields = {
      reason: decision.reason,
      reader: {
        id: reader.id,
        clearToken: 'clearToken' in entitlement,
        clearAccount: reader.accountEnded === true,
      },
      meter: decision.meter && {
        ...decision.meter,
        resetsAt: decision.meter.resetsAt.toISOString(),
      },
      entitlement: 'entitlement' in entitlement ? entitlementView(entitlement.entitlement) : null,
    };
    const body: AccessResponse =
      decision.access === 'peek'
        ? { access: 'peek', wouldBe: decision.wouldBe, ...fields }
        : { access: decision.access, ...fields };
    c.header('Cache-Control', 'private, no-store');
    if (decision.degraded) c.header(DEGRADED_HEADER, `meter-${decision.degraded}`);
    return c.json(body, 200);
  },
);

function entitlementView(e: Entitlement): NonNullable<AccessResponse['entitlement']> {
  return {
    subscriberId: e.subscriberId,
    kind: e.ent.kind,
    plan: e.ent.plan,
    status: e.ent.status,
    until: new Date(e.ent.until * 1000).toISOString(),
    expiresAt: e.expiresAt.toISOString(),
    token: e.newToken,
  };
}
