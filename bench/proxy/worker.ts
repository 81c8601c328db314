import { parseEnv } from '../../src/env';
import worker from '../../src/index';
import { originRequest } from '../../src/proxy/origin';
import { FLOOR_KEY_SUFFIX } from '../access/shared';
import { redisFloorFor } from '../support/redis-floor';
import { GATE_PREFIX, PASSTHROUGH_PREFIX, REDIS_FLOOR_PREFIX, SITE_API_KEY } from './shared';

/**
 * Bench-only worker entry (never deployed: production's entry is src/index.ts). It adds three
 * reference paths next to the real worker, in the same isolate, runtime and process:
 *   GET /__bench/passthrough/<path>  fetches <path> from ORIGIN_URL and returns the
 *                                    origin's response untouched, streamed: no decision,
 *                                    no rewriting (the floor of an ungated page);
 *   GET /__bench/redis-passthrough/<path>  the same, after one bare @upstash/redis call
 *                                    (bench/support/redis-floor.ts, the access bench's floor)
 *                                    made once the origin answered, where the proxy asks the
 *                                    meter: the floor of any page that asks Redis;
 *   GET /__bench/gate/<path>         the same, plus the real decision for a new reader (the
 *                                    worker's own POST /_paywall/v1/access, called in
 *                                    process, consuming), taken after the origin answered as
 *                                    the proxy does: gating without rewriting;
 *   anything else                    the real worker (for articles: decide, then rewrite).
 * All three build their upstream request with the proxy's own `originRequest` and ask `fetch`
 * for the same edge caching the proxy asks for article pages (`cacheEverything` with
 * `originCacheSeconds`), so all four fetch the origin the same way.
 */
type Bindings = Record<string, unknown>;
type Floor = { originUrl: string; cacheSeconds: number };
const floors = new WeakMap<object, Floor>();

function floorFor(env: Bindings): Floor {
  let floor = floors.get(env);
  if (!floor) {
    const parsed = parseEnv(env);
    if (!parsed.ok) throw new Error(`bad configuration: ${parsed.problems.join('; ')}`);
    if (!parsed.env.ORIGIN_URL) throw new Error('the proxy bench needs ORIGIN_URL');
    floor = {
      originUrl: parsed.env.ORIGIN_URL,
      cacheSeconds: parsed.env.PAYWALL_CONFIG.proxy.originCacheSeconds,
    };
    floors.set(env, floor);
  }
  return floor;
}

function fetchOrigin(request: Request, env: Bindings, prefix: string): Promise<Response> {
  const { originUrl, cacheSeconds } = floorFor(env);
  const url = new URL(request.url);
  url.pathname = url.pathname.slice(prefix.length) || '/';
  const upstream = originRequest(new Request(url, request), originUrl);
  // The same condition as the proxy's fetchOrigin (src/routes/proxy.ts).
  const cacheable = cacheSeconds > 0 && request.method === 'GET' && !upstream.headers.has('cookie');
  return fetch(
    upstream,
    cacheable ? { cf: { cacheEverything: true, cacheTtl: cacheSeconds } } : {},
  );
}

async function gate(request: Request, env: Bindings, ctx: ExecutionContext): Promise<Response> {
  const origin = await fetchOrigin(request, env, GATE_PREFIX);
  const { pathname, origin: self } = new URL(request.url);
  const articleId = pathname.slice(GATE_PREFIX.length).replace(/^\/+|\/+$/g, '');
  // An in-process call carries no `cf` object; the access route does not read one.
  const access = new Request(`${self}/_paywall/v1/access`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SITE_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ article: { id: articleId }, consume: true }),
  });
  const answer = await worker.fetch(
    access as Request<unknown, IncomingRequestCfProperties>,
    env,
    ctx,
  );
  const decision = (await answer.json()) as { access?: string; reason?: string };
  const headers = new Headers(origin.headers);
  headers.set('Paywall-Decision', `${decision.access}; reason=${decision.reason}`);
  return new Response(origin.body, { status: origin.status, headers });
}

/** A failed Redis call is a 502, so the bench counts it as a failure, never as a fast page. */
async function redisFloor(request: Request, env: Bindings): Promise<Response> {
  const origin = await fetchOrigin(request, env, REDIS_FLOOR_PREFIX);
  try {
    await redisFloorFor(env, FLOOR_KEY_SUFFIX)();
  } catch (error) {
    await origin.body?.cancel();
    const message = error instanceof Error ? error.message : String(error);
    return new Response(`redis floor: ${message}`, { status: 502 });
  }
  return origin;
}

export default {
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith(`${PASSTHROUGH_PREFIX}/`)) {
      return fetchOrigin(request, env, PASSTHROUGH_PREFIX);
    }
    if (pathname.startsWith(`${REDIS_FLOOR_PREFIX}/`)) return redisFloor(request, env);
    if (pathname.startsWith(`${GATE_PREFIX}/`)) return gate(request, env, ctx);
    return worker.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Bindings>;
