import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context';

const JwkSchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string(),
    kid: z.string(),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
  })
  .openapi('PublicJwk');

const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  operationId: 'getJwks',
  tags: ['keys'],
  summary: 'Public keys for verifying entitlement tokens',
  description:
    'The Ed25519 public keys that verify entitlement tokens (by `kid`), for the edge-middleware client. Public and cacheable for five minutes.',
  security: [],
  responses: {
    200: {
      description: 'Every current public key (never a private part)',
      content: {
        'application/json': { schema: z.object({ keys: z.array(JwkSchema) }).openapi('Jwks') },
      },
    },
  },
});

/** Cached for 5 minutes: a new key is published before it signs, so caches catch up in time. */
export const JWKS_MAX_AGE_SECONDS = 300;

export const jwksRoutes = new OpenAPIHono<AppEnv>().openapi(jwksRoute, async (c) => {
  const ring = await c.var.services.keyRing();
  c.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}, stale-while-revalidate=60`);
  c.header('Access-Control-Allow-Origin', '*');
  return c.json(ring.jwks, 200);
});
