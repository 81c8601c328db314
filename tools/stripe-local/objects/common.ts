import type Stripe from 'stripe';

// Pieces shared by the object builders. Builders are typed against the installed SDK, so a
// shape the SDK's types disagree with fails `tsc`, not a test run months later.

/**
 * The API version events carry. Typed as the SDK's pinned version, so upgrading `stripe`
 * without updating this (and the shapes that come with it) fails type checking.
 */
export const API_VERSION: Stripe.LatestApiVersion = '2026-10-28.endive';

/**
 * Decimal fields (`unit_amount_decimal`, …) are strings on the wire; the SDK turns them into
 * its Decimal class when it reads a response. Builders describe the wire, so they hold the
 * string under the SDK's type.
 */
export function wireDecimal(value: number | string): Stripe.Decimal {
  return String(value) as unknown as Stripe.Decimal;
}

export function list<T>(data: T[], url: string, hasMore = false): Stripe.ApiList<T> {
  return { object: 'list', data, has_more: hasMore, url };
}

/** Objects are stored once and handed out as copies, so callers can never mutate the store. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}

export type Metadata = Record<string, string>;
