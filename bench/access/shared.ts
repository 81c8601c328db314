/** Names shared by the bench worker (workerd) and the bench runner (Node). */
export const ACCESS_PATH = '/_paywall/v1/access';
export const CONSTANT_PATH = '/__bench/constant';
export const REDIS_FLOOR_PATH = '/__bench/redis';
/** Appended to the run's REDIS_KEY_PREFIX: the key the redis floor GETs. */
export const FLOOR_KEY_SUFFIX = 'bench:floor';
export const SITE_API_KEY = 'local-dev-key';
