import type { Account } from '../account';
import { invalidParam, notFound } from '../errors';
import { list } from '../objects/common';
import type { Params } from '../params';
import type { Router } from '../router';

// What every API handler gets, and helpers they share. Handlers are synchronous: a request
// runs start to finish without interleaving with another, which keeps the store (and
// idempotency) simple. expand[] is applied by the server to whatever a handler returns.

export interface ApiContext {
  acct: Account;
  /** The `:id` path parameter ('' on routes without one). */
  id: string;
  /** All path parameters. */
  params: Record<string, string>;
  /** The form body for POST; the query string for GET. */
  input: Params;
}

export type ApiHandler = (ctx: ApiContext) => unknown;
export type ApiRouter = Router<ApiHandler>;

export function found<T>(value: T | undefined, kind: string, id: string): T {
  if (value === undefined) throw notFound(kind, id);
  return value;
}

/**
 * Stripe's list pagination: newest first, `limit` 1–100 (default 10), `starting_after` /
 * `ending_before` by object id.
 */
export function paginate<T extends { id: string; created: number }>(
  items: T[],
  input: Params,
  url: string,
) {
  const limit = input.int('limit', { min: 1, max: 100 }) ?? 10;
  // Newest first; objects created in the same second keep reverse insertion order.
  const sorted = items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => b.item.created - a.item.created || b.i - a.i)
    .map(({ item }) => item);
  const after = input.string('starting_after');
  const before = input.string('ending_before');
  let start = 0;
  let end = sorted.length;
  if (after) {
    const at = sorted.findIndex((item) => item.id === after);
    if (at < 0)
      throw invalidParam('starting_after', `No such object: '${after}'`, 'resource_missing');
    start = at + 1;
  }
  if (before) {
    const at = sorted.findIndex((item) => item.id === before);
    if (at < 0)
      throw invalidParam('ending_before', `No such object: '${before}'`, 'resource_missing');
    end = at;
    start = Math.max(0, end - limit);
  }
  const page = sorted.slice(start, Math.min(end, start + limit));
  const hasMore = before ? start > 0 : start + limit < end;
  return list(page, url, hasMore);
}
