import { z } from 'zod';

/**
 * The prompt's words, configurable per site (the paywall config can embed `promptCopySchema`;
 * `{}` parses to the defaults). Placeholders in braces are filled at render time; everything
 * is HTML-escaped after filling, so copy is plain text, never markup.
 */

const text = (fallback: string, max = 200) => z.string().trim().min(1).max(max).default(fallback);

/** Plural forms chosen with Intl.PluralRules; `zero` (exactly 0) is optional. */
const plural = (fallback: { zero?: string; one: string; other: string }) =>
  z
    .object({
      zero:
        fallback.zero === undefined
          ? z.string().trim().min(1).max(200).optional()
          : text(fallback.zero).optional(),
      one: text(fallback.one),
      other: text(fallback.other),
    })
    .strict()
    .prefault(fallback);

const AMOUNT_MESSAGE = 'must name {amount}: readers see what unlocks access';
const namesAmount = (s: string) => s.includes('{amount}');
const withAmount = <T extends z.ZodType<{ one: string; other: string }>>(forms: T) =>
  forms.refine((f) => namesAmount(f.one) && namesAmount(f.other), AMOUNT_MESSAGE);

const locale = z
  .string()
  .max(35)
  .refine((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, 'a BCP 47 language tag such as "en" or "en-GB"');

/** A same-site path ("/account") or an https URL (a site's own account page). */
const restoreUrl = z
  .string()
  .max(512)
  .refine((u) => {
    if (/[\\\s]/.test(u)) return false;
    if (/^\/(?!\/)/.test(u)) return true;
    try {
      return new URL(u).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'a same-site path such as /account or an https:// URL');

export const promptCopySchema = z
  .object({
    /** Formats money, dates and plural rules; the prompt inherits the page's language. */
    locale: locale.default('en'),
    heading: text('Be Part of Quality Journalism', 120),
    body: text(
      'Good reporting is slow, careful work: checking facts, going to the places where news ' +
        'happens, and staying with a story after others move on. Our readers pay for it, so we ' +
        'answer to you and to no one else. Subscribe or give what you can to keep it going.',
      600,
    ),
    /** Walled by the meter; `{limit}` is the number of free articles. */
    wallLeadIn: plural({
      one: "You've read your free article this month. Support our reporting to keep reading.",
      other:
        "You've read your {limit} free articles this month. Support our reporting to keep reading.",
    }),
    /** Walled because the article is for supporters only (no meter involved). */
    premiumLeadIn: text('This article is for supporters. Subscribe or contribute to read on.'),
    subscribeLabel: text('Subscribe', 60),
    /** `{price}` is formatted money, e.g. "€5". */
    perMonth: text('{price} a month', 60),
    perYear: text('{price} a year', 60),
    contributeLegend: text('Give what you can', 80),
    /** `{symbol}`: the currency symbol, e.g. "€". */
    customLabel: text('Other amount ({symbol})', 80),
    /** `{min}`/`{max}`: formatted bounds. */
    customHint: text('From {min} to {max}.'),
    /** Spoken, not shown: what happens when a preset is selected and an amount is typed too. */
    customPrecedence: text('An amount typed here is used instead of the one selected above.'),
    frequencyLegend: text('How often?', 80),
    onceLabel: text('Once', 40),
    monthlyLabel: text('Every month', 40),
    /**
     * What each contribution gives, so no amount is advertised as unlocking what it does not.
     * `{amount}`: the smallest one-time contribution that grants a pass; `{days}`: its length.
     * Must name `{amount}`.
     */
    passNote: withAmount(
      plural({
        one: 'Once: {amount} or more unlocks {days} day of unlimited reading.',
        other: 'Once: {amount} or more unlocks {days} days of unlimited reading.',
      }),
    ),
    /** `{amount}`: the smallest monthly contribution that reads like a subscription. */
    monthlyNote: text('Every month: {amount} or more a month unlocks every article.').refine(
      namesAmount,
      AMOUNT_MESSAGE,
    ),
    /** Shown when some allowed amounts are below what unlocks. */
    thanksNote: text('Less than that is a gift we thank you for; it does not unlock articles.'),
    /** Shown when no contribution unlocks articles. */
    noAccessNote: text('Contributions support our reporting; they do not unlock articles.'),
    contributeButton: text('Contribute', 60),
    /** The button when monthly is the only contribution offered. */
    contributeMonthlyButton: text('Contribute monthly', 60),
    /**
     * The portal form works only in a browser holding the entitlement cookie; elsewhere the
     * server sends the reader back to the prompt. The default says exactly that.
     */
    restoreText: text(
      'Already a supporter? Manage or cancel your support from the browser you paid with.',
    ),
    restoreButton: text('Manage my support', 60),
    /** A site's own account/sign-in page, offered next to the portal when set. */
    restoreUrl: restoreUrl.optional(),
    restoreLink: text('Sign in to restore access', 80),
    /** With sign-in available (a mailer is configured): the line before the sign-in link. */
    supporterText: text('Already a supporter?', 120),
    getAccessLink: text('Get access on this device', 60),
    /** With the registration wall on: for registered readers on a new device. */
    signInLink: text('Registered? Sign in', 60),
    /** The registration wall's offer (a button-like link); `{extra}`: how many more articles. */
    registerOffer: plural({
      one: 'Register for free to read {extra} more article this month',
      other: 'Register for free to read {extra} more articles this month',
    }),
    signedInText: text("You're signed in on this device.", 120),
    signOutButton: text('Sign out', 40),
    /** The meter notice; `{remaining}` and `{limit}` are numbers. */
    notice: plural({
      zero: 'No free articles left this month.',
      one: '1 free article left this month.',
      other: '{remaining} of {limit} free articles left this month.',
    }),
    /** `{date}`: when the window resets, e.g. "December 1". */
    noticeResets: text('More from {date}.', 80),
    dismiss: text('Dismiss', 40),
  })
  .strict();

export type PromptCopy = z.infer<typeof promptCopySchema>;
export type PromptCopyInput = z.input<typeof promptCopySchema>;

export const DEFAULT_COPY: PromptCopy = promptCopySchema.parse({});
