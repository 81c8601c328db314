/**
 * Response headers in the v1 contract: the service sets them, and the edge client sets the
 * same ones in front of a site (`withDecision`).
 */

/** What was decided for an article page: `granted; reason=metered`, `peek; reason=…`. */
export const DECISION_HEADER = 'Paywall-Decision';

/** Set when the meter could not be asked: `meter-timeout` or `meter-unavailable`. */
export const DEGRADED_HEADER = 'Paywall-Degraded';
