import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context';

const HealthSchema = z
  .object({
    status: z.literal('ok'),
    redis: z.object({
      status: z.enum(['ok', 'timeout', 'unavailable']),
      latencyMs: z.number().int().nullable(),
    }),
  })
  .openapi('Health');

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'health',
  tags: ['operations'],
  summary: 'Liveness, and whether Redis answers (never calls Stripe)',
  description:
    'Always 200 while the worker runs; `redis.status` reports whether Redis answered in time.',
  security: [],
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } },
  },
});

/** Always 200 while the worker runs (liveness); Redis reachability is reported, not gated. */
export const healthRoutes = new OpenAPIHono<AppEnv>().openapi(healthRoute, async (c) => {
  const redis = await c.var.services.redisHealth();
  c.header('Cache-Control', 'no-store');
  return c.json(
    {
      status: 'ok' as const,
      redis: redis.ok
        ? { status: 'ok' as const, latencyMs: redis.latencyMs }
        : { status: redis.failure, latencyMs: null },
    },
    200,
  );
});
