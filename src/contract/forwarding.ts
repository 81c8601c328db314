/**
 * Part of the v1 contract between the edge-middleware client's `forward()` and the service:
 * the reader's address, and the site API key that vouches for it. Behind a forwarder,
 * `CF-Connecting-IP` is the site's own egress address, shared by all of its readers.
 */
export const FORWARDED_FOR = 'paywall-forwarded-for';
export const FORWARDER_KEY = 'paywall-forwarder-key';
