import worker from '../../src/index';
import { redisFloorFor } from '../support/redis-floor';
import { CONSTANT_PATH, FLOOR_KEY_SUFFIX, REDIS_FLOOR_PATH } from './shared';

/**
 * Bench-only worker entry (never deployed: production's entry is src/index.ts). It adds two
 * floors next to the real worker, so all three are measured in the same isolate, runtime
 * and process, under the same load:
 *   POST /__bench/constant  a constant JSON body: the cost of HTTP through workerd;
 *   POST /__bench/redis     one bare @upstash/redis call, built exactly as the worker builds
 *                           its client (bench/support/redis-floor.ts): the physical floor
 *                           for a metered decision;
 *   anything else           delegated to the real worker.
 * The floors read the request body (the decision has to receive the same bytes) but do
 * not parse it: what differs from the decision is only the decision's own work.
 */
const CONSTANT_BODY = JSON.stringify({ access: 'granted', reason: 'constant' });
const JSON_HEADERS = { 'content-type': 'application/json' };

type Bindings = Record<string, unknown>;

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === CONSTANT_PATH) {
      await request.arrayBuffer();
      return new Response(CONSTANT_BODY, { headers: JSON_HEADERS });
    }
    if (pathname === REDIS_FLOOR_PATH) {
      await request.arrayBuffer();
      try {
        const value = await redisFloorFor(env, FLOOR_KEY_SUFFIX)();
        return new Response(JSON.stringify({ value }), { headers: JSON_HEADERS });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return new Response(JSON.stringify({ error: message }), {
          status: 502,
          headers: JSON_HEADERS,
        });
      }
    }
    return worker.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Bindings>;
