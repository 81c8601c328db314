import { contributionAccess, type Offers, type Plan } from '../billing/offers';
import { PAYWALL_PREFIX } from '../contract/paths';
import { escapeHtml as e } from '../html/escape';
import { type Intent, SIGN_OUT_ACTION, signInHref } from '../identity/paths';
import type { PromptCopy } from './copy';
import { currencySymbol, fillTemplate, formatDay, formatMoney, selectPlural } from './format';

/**
 * The support prompt and the meter notice as HTML strings, for HTMLRewriter to inject. Pure:
 * no I/O, no clock. Plain forms that work with JavaScript off; no scripts, no external assets.
 * Styles are separate (`PROMPT_STYLES` in ./styles), injected once per page.
 */

export const CHECKOUT_ACTION = `${PAYWALL_PREFIX}/v1/checkout`;
export const PORTAL_ACTION = `${PAYWALL_PREFIX}/v1/portal`;
/** The portal route redirects readers without an entitlement to `returnTo#paywall-prompt`. */
export const PROMPT_ID = 'paywall-prompt';

/** Server-side custom amount syntax (schemas/checkout.ts): major units, up to two decimals. */
const CUSTOM_AMOUNT_PATTERN = '\\d{1,7}([.,]\\d{1,2})?';

export interface PromptMeter {
  limit: number;
  used: number;
  remaining: number;
}

export interface PromptInput {
  offers: Offers;
  copy: PromptCopy;
  /** Same-site relative path of the article (validated upstream; escaped here regardless). */
  returnTo: string;
  /** `support` replaces the site's support box; `wall` follows the lead paragraphs. */
  variant: 'support' | 'wall';
  /** With `wall`: the meter that ran out. Null means walled for another reason (premium). */
  meter?: PromptMeter | null;
  /** Sign-in with an e-mailed code; absent or unavailable: the portal form only, as before. */
  identity?: PromptIdentity | undefined;
  /** A prompt experiment's variant (src/experiments/apply.ts): which block comes first … */
  lead?: 'plans' | 'contributions' | undefined;
  /** … which contribution preset starts selected (else the first), and its id. */
  selectedPreset?: number | null | undefined;
  experimentVariant?: string | undefined;
}

export interface PromptIdentity {
  /** A mailer is configured, so the code sign-in exists. */
  available: boolean;
  /** This device is signed in to an account. */
  signedIn: boolean;
  /** The registration wall is on: how many more articles registering gives; else null. */
  registerExtra: number | null;
}

const hidden = (name: string, value: string | number) =>
  `<input type="hidden" name="${name}" value="${e(value)}">`;

const form = (action: string, cls: string, inner: string) =>
  `<form${cls ? ` class="${cls}"` : ''} method="post" action="${action}">${inner}</form>`;

const option = (name: string, value: string | number, label: string, checked: boolean) =>
  `<label class="pw-op"><input type="radio" name="${name}" value="${e(value)}"${checked ? ' checked' : ''}>${e(label)}</label>`;

function planForm(plan: Plan, copy: PromptCopy, back: string): string {
  const price = formatMoney(plan.amount, plan.currency, copy.locale);
  const per = fillTemplate(plan.interval === 'year' ? copy.perYear : copy.perMonth, { price });
  return form(
    CHECKOUT_ACTION,
    '',
    `${hidden('plan', plan.id)}${back}<button class="pw-b" type="submit">${e(plan.name)} <span>${e(per)}</span></button>`,
  );
}

/**
 * What each contribution gives, in the copy's words, from the same thresholds billing applies
 * (src/billing/offers.ts): "Once: €5 or more unlocks 30 days…", "Every month: €5 or more…",
 * and, when smaller amounts are allowed, that they are thanks-only. Never an unlock the
 * server would not grant.
 */
function accessNotes(offers: Offers, copy: PromptCopy, money: (minor: number) => string): string {
  const c = offers.contributions;
  const access = contributionAccess(offers);
  if (!c || !access) return '';
  const reachable = (threshold: number | null) => threshold !== null && threshold <= c.max;
  const notes: string[] = [];
  let thanksOnlyBelow = false;
  if (c.oneTime && reachable(access.once)) {
    const once = access.once as number;
    notes.push(
      fillTemplate(selectPlural(copy.passNote, c.passDays, copy.locale), {
        days: c.passDays,
        amount: money(Math.max(once, c.min)),
      }),
    );
    thanksOnlyBelow ||= once > c.min;
  }
  if (c.monthly && reachable(access.monthly)) {
    const monthly = access.monthly as number;
    notes.push(fillTemplate(copy.monthlyNote, { amount: money(Math.max(monthly, c.min)) }));
    thanksOnlyBelow ||= monthly > c.min;
  }
  if (notes.length === 0) return copy.noAccessNote;
  // A kind offered but out of reach is thanks-only whatever the amount: say so too.
  const unreachable =
    (c.oneTime && !reachable(access.once)) || (c.monthly && !reachable(access.monthly));
  if (thanksOnlyBelow || unreachable) notes.push(copy.thanksNote);
  return notes.join(' ');
}

function contributionForm(
  offers: Offers,
  copy: PromptCopy,
  back: string,
  selected: number | null | undefined,
) {
  const c = offers.contributions;
  if (!c || (!c.oneTime && !c.monthly)) return '';
  const { locale } = copy;
  const money = (minor: number) => formatMoney(minor, c.currency, locale);
  // The first preset starts selected so a bare submit is valid. A typed amount wins on the
  // server (customAmount over amount), and the hidden hint says so.
  const start =
    selected !== undefined && selected !== null && c.presets.includes(selected)
      ? selected
      : c.presets[0];
  const presets = c.presets.map((p) => option('amount', p, money(p), p === start)).join('');
  const hint = fillTemplate(copy.customHint, { min: money(c.min), max: money(c.max) });
  const label = fillTemplate(copy.customLabel, { symbol: currencySymbol(c.currency, locale) });
  const amounts =
    `<fieldset><legend>${e(copy.contributeLegend)}</legend><div class="pw-o">${presets}</div>` +
    `<label class="pw-cl" for="pw-ca">${e(label)}</label>` +
    `<input type="text" id="pw-ca" name="customAmount" inputmode="decimal" autocomplete="transaction-amount" pattern="${CUSTOM_AMOUNT_PATTERN}" maxlength="10" aria-describedby="pw-ch">` +
    `<p class="pw-h" id="pw-ch">${e(hint)}<span class="pw-sr"> ${e(copy.customPrecedence)}</span></p></fieldset>`;

  const pass = `<p class="pw-h">${e(accessNotes(offers, copy, money))}</p>`;
  // Both offered: the reader chooses (one-time preselected: no surprise recurring charge).
  // One offered: a hidden field, and the button says which.
  const frequency =
    c.oneTime && c.monthly
      ? `<fieldset><legend>${e(copy.frequencyLegend)}</legend><div class="pw-o">${option('recurring', 'once', copy.onceLabel, true)}${option('recurring', 'monthly', copy.monthlyLabel, false)}</div>${pass}</fieldset>`
      : `${hidden('recurring', c.monthly ? 'monthly' : 'once')}${pass}`;
  const button = c.oneTime ? copy.contributeButton : copy.contributeMonthlyButton;
  return form(
    CHECKOUT_ACTION,
    'pw-c',
    `${amounts}${frequency}${hidden('currency', c.currency)}${back}<button class="pw-b" type="submit">${e(button)}</button>`,
  );
}

function leadIn(input: PromptInput): string {
  if (input.variant !== 'wall') return '';
  const { copy, meter } = input;
  const line = meter
    ? fillTemplate(selectPlural(copy.wallLeadIn, meter.limit, copy.locale), { limit: meter.limit })
    : copy.premiumLeadIn;
  return `<p class="pw-lead">${e(line)}</p>`;
}

export function renderPrompt(input: PromptInput): string {
  const { offers, copy } = input;
  const back = hidden('returnTo', input.returnTo);
  // The checkout forms say which experiment variant showed them: only such a checkout is
  // counted under a variant (src/routes/checkout.ts).
  const buy = input.experimentVariant
    ? `${back}${hidden('experiment', input.experimentVariant)}`
    : back;
  const plans = offers.plans.length
    ? `<p class="pw-k" id="pw-sh">${e(copy.subscribeLabel)}</p><div class="pw-ps" role="group" aria-labelledby="pw-sh">${offers.plans.map((p) => planForm(p, copy, buy)).join('')}</div>`
    : '';
  const contributions = contributionForm(offers, copy, buy, input.selectedPreset);
  const offersHtml =
    input.lead === 'contributions' ? `${contributions}${plans}` : `${plans}${contributions}`;
  const experiment = input.experimentVariant
    ? ` data-pw-experiment="${e(input.experimentVariant)}"`
    : '';
  const restoreLink = copy.restoreUrl
    ? ` <a href="${e(copy.restoreUrl)}">${e(copy.restoreLink)}</a>`
    : '';
  const identity = input.identity;
  const restore = identity?.available
    ? accountLinks(identity, copy, input.returnTo, back)
    : form(
        PORTAL_ACTION,
        'pw-rs',
        `${back}<p>${e(copy.restoreText)} <button class="pw-l" type="submit">${e(copy.restoreButton)}</button>${restoreLink}</p>`,
      );
  return (
    `<section id="${PROMPT_ID}" class="pw-prompt" data-pw-variant="${input.variant}"${experiment} aria-labelledby="pw-h">` +
    `<h2 id="pw-h">${e(copy.heading)}</h2>${leadIn(input)}${registerOffer(input)}<p>${e(copy.body)}</p>` +
    `${offersHtml}${restore}</section>`
  );
}

/**
 * The registration wall: an anonymous reader whose meter ran out is offered N more articles
 * for an account. Never to a signed-in reader (their account's meter is the one that ran out)
 * and never on a premium wall (registering does not open those).
 */
function registerOffer(input: PromptInput): string {
  const { identity, meter, copy } = input;
  if (input.variant !== 'wall' || !meter || !identity?.available || identity.signedIn) return '';
  const extra = identity.registerExtra;
  if (extra === null) return '';
  const offer = fillTemplate(selectPlural(copy.registerOffer, extra, copy.locale), { extra });
  return `<p class="pw-reg"><a class="pw-b" href="${e(signInHref('register', input.returnTo))}">${e(offer)}</a></p>`;
}

/**
 * With sign-in: "Already a supporter? Get access on this device" (and, with registration,
 * "Sign in"), or for a signed-in device "You're signed in · Sign out"; "Manage my support"
 * stays in both.
 */
function accountLinks(
  identity: PromptIdentity,
  copy: PromptCopy,
  returnTo: string,
  back: string,
): string {
  // The portal's form is empty and hidden; its button sits in the list, tied by `form=`.
  const portal = form(PORTAL_ACTION, '', back).replace('<form', '<form id="pw-portal"');
  const manage = `<li><button class="pw-l" type="submit" form="pw-portal">${e(copy.restoreButton)}</button></li>`;
  if (identity.signedIn) {
    const signOut = form(
      SIGN_OUT_ACTION,
      '',
      `${back}<button class="pw-l" type="submit">${e(copy.signOutButton)}</button>`,
    );
    return `${portal}<div class="pw-rs"><p>${e(copy.signedInText)}</p><ul class="pw-al"><li>${signOut}</li>${manage}</ul></div>`;
  }
  const link = (intent: Intent, label: string) =>
    `<li><a href="${e(signInHref(intent, returnTo))}">${e(label)}</a></li>`;
  const signIn = identity.registerExtra !== null ? link('sign-in', copy.signInLink) : '';
  return `${portal}<div class="pw-rs"><p>${e(copy.supporterText)}</p><ul class="pw-al">${link('access', copy.getAccessLink)}${signIn}${manage}</ul></div>`;
}

export interface MeterNoticeInput {
  copy: PromptCopy;
  remaining: number;
  limit: number;
  resetsAt: Date;
}

/**
 * "2 of 3 free articles left this month." as a small banner. Dismissing it needs no script: a
 * checkbox sits over the "Dismiss" label and `:checked ~ *` hides the rest. It stays dismissed
 * only for this page view (there is nothing to remember it with and no script).
 */
export function renderMeterNotice(input: MeterNoticeInput): string {
  const { copy, limit } = input;
  const remaining = Math.max(0, input.remaining);
  const count = fillTemplate(selectPlural(copy.notice, remaining, copy.locale), {
    remaining,
    limit,
  });
  const resets = Number.isNaN(input.resetsAt.getTime())
    ? ''
    : ` <span>${e(copy.noticeResets).replace(
        '{date}',
        `<time datetime="${e(input.resetsAt.toISOString())}">${e(formatDay(input.resetsAt, copy.locale))}</time>`,
      )}</span>`;
  return (
    `<section class="pw-notice" aria-labelledby="pw-nt"><input type="checkbox" class="pw-nx" id="pw-nx">` +
    `<p><span id="pw-nt">${e(count)}</span>${resets}</p>` +
    `<label class="pw-nl" for="pw-nx">${e(copy.dismiss)}</label></section>`
  );
}
