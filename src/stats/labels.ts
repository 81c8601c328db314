import type { IdentityEvent, PromptKind, ViewOutcome } from '../schemas/stats';

/**
 * The names of what is counted: one field of a per-day Redis hash each (docs/redis-keys.md,
 * `stats:day:`). A label is made of configuration values only (outcomes, prompt kinds, offer
 * and variant ids, currencies), never of anything a reader sends or is: no reader id, address
 * or e-mail can reach a counter. Parts are joined by `|`, which no part may contain.
 */

/** The variant of a reader when no experiment is configured. */
export const NO_VARIANT = '-';

/** A part of a label: offer ids, variant ids and currencies, made safe to join. */
function part(value: string): string {
  return value.replace(/[|\s]/g, '_').slice(0, 64) || '_';
}

export const label = {
  view: (outcome: ViewOutcome, variant: string) => `view|${outcome}|${part(variant)}`,
  prompt: (kind: PromptKind, variant: string) => `prompt|${kind}|${part(variant)}`,
  checkout: (offer: string, variant: string) => `checkout|${part(offer)}|${part(variant)}`,
  paid: (offer: string, variant: string, currency: string) =>
    `paid|${part(offer)}|${part(variant)}|${part(currency)}`,
  /** The amount (minor units) of the payments counted by `paid` with the same parts. */
  amount: (offer: string, variant: string, currency: string) =>
    `amount|${part(offer)}|${part(variant)}|${part(currency)}`,
  cancel: (offer: string) => `cancel|${part(offer)}`,
  identity: (event: IdentityEvent) => `identity|${event}`,
  /** Views the live configuration walled, and views the shadow configuration would have. */
  walled: (which: 'live' | 'shadow') => `walled|${which}`,
};

/**
 * A recurring supporter in the supporters hash (field: their subscriber id, `sbr_…`):
 * `{currency}:{annual}`, what they bring in a year (monthly recurring revenue × 12, kept
 * whole); `{currency}:` when the plan's interval is not known.
 */
export function supporterValue(currency: string, annual: number | null): string {
  return `${part(currency)}:${annual ?? ''}`;
}

const DAY_MS = 86_400_000;
/** The last day worked out, per isolate: every counted view asks. */
let lastDay = { startMs: 0, label: '' };

/** A UTC day, `YYYY-MM-DD`: the unit every counter is kept per. */
export function dayOf(at: Date): string {
  const t = at.getTime();
  if (t >= lastDay.startMs && t < lastDay.startMs + DAY_MS && lastDay.label) return lastDay.label;
  const label = at.toISOString().slice(0, 10);
  lastDay = { startMs: t - (((t % DAY_MS) + DAY_MS) % DAY_MS), label };
  return label;
}
