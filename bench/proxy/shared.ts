/** Names shared by the bench worker (workerd) and the bench runner (Node). */
export const PASSTHROUGH_PREFIX = '/__bench/passthrough';
export const GATE_PREFIX = '/__bench/gate';
/** The demo origin's generated article (tools/demo-origin/bench.ts), made an article path. */
export const ARTICLE_PATH = '/bench/article';
export const articleUrlPath = (kb: number) => `${ARTICLE_PATH}?kb=${kb}`;
export const SITE_API_KEY = 'local-dev-key';
