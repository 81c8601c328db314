/**
 * Everything the service answers lives under this reserved prefix (plus the JWKS), so it can
 * share the site's own host: the worker mounts its routes there, never proxies it to the
 * origin, never sends a reader back into it, and the edge client's `forward()` hands it to
 * the service. Part of the v1 contract.
 */
export const PAYWALL_PREFIX = '/_paywall';
