/** Names shared by the bench worker (workerd) and the bench runner (Node). */
export const PASSTHROUGH_PREFIX = '/__bench/passthrough';
export const GATE_PREFIX = '/__bench/gate';
/** One bare Redis call, then the page passed through: the floor for a read that asks Redis. */
export const REDIS_FLOOR_PREFIX = '/__bench/redis-passthrough';
/** The demo origin's generated article (tools/demo-origin/bench.ts), made an article path. */
export const ARTICLE_PATH = '/bench/article';
export const articleUrlPath = (kb: number) => `${ARTICLE_PATH}?kb=${kb}`;
export const SITE_API_KEY = 'local-dev-key';
/** The reader id cookie as a browser sends it back (src/http/cookies.ts, `host` prefix). */
export const READER_COOKIE = '__Host-paywall_rid';
