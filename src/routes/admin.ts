import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { requireAdmin } from '../admin/auth';
import { renderDashboard } from '../admin/page';
import { describeShadow } from '../admin/shadow-description';
import { PAYWALL_PREFIX } from '../contract/paths';
import { AppError } from '../errors';
import type { AppEnv } from '../http/context';
import { setSignInPageHeaders } from '../identity/http';
import { errorResponseDoc } from '../schemas/error';
import { StatsQuerySchema } from '../schemas/stats';
import { reportFor } from '../stats/publisher-report';

const ADMIN_PATH = '/admin';

/** The page in the OpenAPI document (registered by src/routes/docs.ts). */
export const adminOpenApi = createRoute({
  method: 'get',
  path: `${PAYWALL_PREFIX}${ADMIN_PATH}`,
  operationId: 'adminDashboard',
  tags: ['stats'],
  summary: "The publisher's dashboard: the funnel, revenue, experiments and shadow rules",
  description:
    'A server-rendered page (no script) of the same report as `GET /v1/stats`. Opens with a Cloudflare Access token (`Cf-Access-Jwt-Assertion`), or the admin key (`ADMIN_KEY`) as a Basic password or a Bearer token; in development and test with neither configured, from loopback only; in production with neither, a 404 like any unknown path.',
  // `{}`: in development and test with no key and no Access, loopback needs no credential.
  security: [{ adminKey: [] }, { adminKeyBearer: [] }, { cloudflareAccess: [] }, {}],
  request: { query: StatsQuerySchema },
  responses: {
    200: { description: 'The dashboard', content: { 'text/html': { schema: z.string() } } },
    400: errorResponseDoc('A date that is not YYYY-MM-DD, a range backwards or over 400 days'),
    401: errorResponseDoc('The admin key is missing or wrong (with a Basic challenge)'),
    403: errorResponseDoc('No valid Access token; or, in development, not from this machine'),
    404: errorResponseDoc('In production with neither Access nor an admin key configured'),
    503: errorResponseDoc("Redis, or Cloudflare Access's signing keys, did not answer"),
  },
});

/**
 * The publisher's dashboard (docs/stats.md): the stats API's report as a page, behind
 * Cloudflare Access, the admin key, or (in development, with neither) loopback only
 * (src/admin/auth.ts). Another method is a 405 like on any of our paths: the page is listed in
 * the OpenAPI document anyway, so refusing it as unknown would hide nothing.
 */
export const adminRoutes = new Hono<AppEnv>().get(ADMIN_PATH, requireAdmin(), async (c) => {
  const parsed = StatsQuerySchema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new AppError(
      'invalid_request',
      'Dates are YYYY-MM-DD; granularity is day, week or month.',
    );
  }
  const services = c.var.services;
  const query = parsed.data;
  const report = await reportFor(services, query);
  // The sign-in pages' headers: only the page's own `<style>`, no script, nothing from another
  // host, never framed, cached or indexed.
  setSignInPageHeaders(c);
  return c.html(
    renderDashboard(report, {
      period: { from: report.from, to: report.to, granularity: query.granularity },
      shadowDescription: describeShadow(services.config.shadow, services.config.meter.limit),
    }),
    200,
  );
});
