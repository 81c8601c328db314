import { Hono } from 'hono';
import { renderDashboard } from '../admin/page';
import { describeShadow } from '../admin/shadow-description';
import { AppError } from '../errors';
import type { AppEnv } from '../http/context';
import { StatsQuerySchema } from '../schemas/stats';
import { reportFor } from '../stats/for-services';
import { statsRange } from '../stats/range';

export const ADMIN_PATH = '/admin';

/** Only the page's own `<style>`; no script, no image, nothing from another host. */
const ADMIN_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The publisher's dashboard (docs/stats.md): the stats API's report as a page. The app puts
 * it behind Cloudflare Access, the admin key, or (in development, with neither) loopback only
 * (src/admin/auth.ts, mounted in src/app.ts for every method). Not in the OpenAPI document:
 * it is a page for people, not an API.
 */
export const adminRoutes = new Hono<AppEnv>().get(ADMIN_PATH, async (c) => {
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
  const { from, to } = statsRange(query, services.now());
  c.header('Content-Security-Policy', ADMIN_CSP);
  c.header('Cache-Control', 'private, no-store');
  c.header('X-Robots-Tag', 'noindex');
  return c.html(
    renderDashboard(report, {
      period: { from, to, granularity: query.granularity },
      shadowDescription: describeShadow(services.config.shadow, services.config.meter.limit),
    }),
    200,
  );
});
