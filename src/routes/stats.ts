import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { requireSiteApiKey } from '../http/api-key';
import type { AppEnv } from '../http/context';
import { validationHook } from '../http/validation';
import { errorResponseDoc } from '../schemas/error';
import { StatsQuerySchema, StatsReportSchema } from '../schemas/stats';
import { reportFor } from '../stats/publisher-report';

const statsRoute = createRoute({
  method: 'get',
  path: '/v1/stats',
  operationId: 'getStats',
  tags: ['stats'],
  summary: "The publisher's numbers for a date range",
  description:
    'The funnel from article views to payments, conversion rates, revenue by currency and offer, active recurring supporters and monthly recurring revenue, per-variant experiment results with 95% intervals, and the shadow rules against the live ones. Counted per UTC day; at most 400 days per request. Counts from other isolates arrive within `stats.flushSeconds`.',
  security: [{ siteApiKey: [] }],
  middleware: [requireSiteApiKey()] as const,
  request: { query: StatsQuerySchema },
  responses: {
    200: {
      description: 'The report',
      content: { 'application/json': { schema: StatsReportSchema } },
    },
    400: errorResponseDoc('A date that is not YYYY-MM-DD, a range backwards or over 400 days'),
    401: errorResponseDoc('Missing or wrong site API key'),
    503: errorResponseDoc('Redis did not answer; try again'),
  },
});

export const statsRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  statsRoute,
  async (c) => {
    const report = await reportFor(c.var.services, c.req.valid('query'));
    c.header('Cache-Control', 'private, no-store');
    return c.json(report, 200);
  },
);
