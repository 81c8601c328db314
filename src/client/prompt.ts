import type { PromptQuery } from '../schemas/prompt';
import type { PaywallDecision } from './decision';

/**
 * What the prompt depends on: a decision, or just these fields of one (e.g. from headers
 * that the middleware set for the page that renders).
 *
 * @example
 * ```ts
 * // A Next.js page, from the headers its middleware set (which overwrite any a reader sends).
 * const h = await headers();
 * const meter = h.get('x-paywall-meter');
 * const decision: PromptDecision = {
 *   access: 'denied',
 *   reason: (h.get('x-paywall-reason') ?? 'premium') as AccessReason,
 *   meter: meter ? JSON.parse(meter) : null,
 * };
 * const html = await paywall.prompt(decision, { returnTo: `/articles/${slug}` });
 * ```
 */
export type PromptDecision = Pick<PaywallDecision, 'access' | 'reason' | 'meter'>;

/**
 * The second argument of `prompt`.
 *
 * @example
 * ```ts
 * // The support box under a whole article (the default for a grant anyway).
 * const box = await paywall.prompt(decision, { returnTo: url.pathname, variant: 'support' });
 * ```
 */
export interface PromptOptions {
  /**
   * The article's same-site path, e.g. `/articles/harbour-lights` (at most 512 characters):
   * where the reader comes back to after checkout or sign-in.
   */
  returnTo: string;
  /** Defaults to `support` for a granted decision, `wall` for anything else (a peek too). */
  variant?: PromptQuery['variant'];
}

/**
 * The query for `GET /_paywall/v1/prompt`: which prompt fits this decision. Only a meter that
 * ran out says "you have read your N free articles"; a premium article gets the plain wall.
 */
export function promptQuery(decision: PromptDecision, options: PromptOptions): URLSearchParams {
  // Fails closed: only a grant gets the support box; a peek or an unknown answer, the wall.
  const variant = options.variant ?? (decision.access === 'granted' ? 'support' : 'wall');
  const query = new URLSearchParams({ returnTo: options.returnTo, variant });
  if (variant === 'wall' && decision.reason === 'meter_exhausted' && decision.meter) {
    query.set('limit', String(decision.meter.limit));
    query.set('used', String(decision.meter.used));
  }
  return query;
}

/**
 * A small per-isolate cache: the fragment is the same for everyone with the same query, and
 * the service marks it cacheable for 5 minutes.
 */
export class PromptCache {
  readonly #entries = new Map<string, { html: string; expires: number }>();
  constructor(
    private readonly ttlMs = 300_000,
    private readonly maxEntries = 200,
  ) {}

  get(key: string, now: number): string | undefined {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.html;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, html: string, now: number): void {
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { html, expires: now + this.ttlMs });
  }
}
