import { describe, expect, it } from 'vitest';
import { DEFAULT_OFFERS, type Offers, offersSchema } from '../../../src/billing/offers';
import { DEFAULT_COPY, type PromptCopyInput, promptCopySchema } from '../../../src/prompt/copy';
import { renderMeterNotice, renderPrompt } from '../../../src/prompt/render';
import { PROMPT_CSS, PROMPT_STYLES } from '../../../src/prompt/styles';
import { CheckoutFormSchema } from '../../../src/schemas/checkout';
import { formsOf, submit, tags } from '../support/forms';

const offers = offersSchema.parse(DEFAULT_OFFERS);
const copy = (input: PromptCopyInput = {}) => promptCopySchema.parse(input);
const render = (over: Partial<Parameters<typeof renderPrompt>[0]> = {}) =>
  renderPrompt({
    offers,
    copy: DEFAULT_COPY,
    returnTo: '/2026/11/story',
    variant: 'support',
    ...over,
  });
const notice = (remaining: number, limit = 3) =>
  renderMeterNotice({
    copy: DEFAULT_COPY,
    remaining,
    limit,
    resetsAt: new Date('2026-12-01T00:00:00.000Z'),
  });

// The prompt's forms must be ones the checkout route accepts: its own schema is the judge.
const parseForm = (body: URLSearchParams) => CheckoutFormSchema.safeParse(Object.fromEntries(body));
const checkoutForms = (html: string) =>
  formsOf(html).filter((f) => f.attrs.action === '/_paywall/v1/checkout');

describe('renderPrompt: plans', () => {
  it('every configured plan has its own form posting plan=<id> to checkout', () => {
    const forms = checkoutForms(render()).filter((f) => f.inputs.some((i) => i.name === 'plan'));
    expect(forms.map((f) => f.inputs.find((i) => i.name === 'plan')?.value)).toEqual([
      'monthly',
      'yearly',
    ]);
    for (const f of forms) {
      expect(f.attrs.method).toBe('post');
      expect(f.inputs.some((i) => i.name === 'amount' || i.name === 'customAmount')).toBe(false);
      expect(f.html).toMatch(/<button class="pw-b" type="submit">/);
      const parsed = parseForm(submit(f));
      expect(parsed.success).toBe(true);
    }
    expect(forms[0]?.html).toContain('Monthly <span>€5 a month</span>');
    expect(forms[1]?.html).toContain('Yearly <span>€50 a year</span>');
  });
});

describe('renderPrompt: contributions', () => {
  const contribution = () => {
    const f = checkoutForms(render()).find((x) => x.inputs.some((i) => i.name === 'currency'));
    if (!f) throw new Error('no contribution form');
    return f;
  };

  it('presets are radios carrying minor units, the first one checked', () => {
    const radios = contribution().inputs.filter((i) => i.name === 'amount');
    expect(radios.map((r) => [r.type, r.value])).toEqual([
      ['radio', '300'],
      ['radio', '500'],
      ['radio', '1000'],
    ]);
    expect(radios.map((r) => 'checked' in r)).toEqual([true, false, false]);
    expect(contribution().html).toContain('€3</label>');
    expect(contribution().html).toContain('€10</label>');
  });

  it('the custom amount field is labelled, decimal, and its hint states the offers bounds', () => {
    const f = contribution();
    const custom = f.inputs.find((i) => i.name === 'customAmount');
    expect(custom).toMatchObject({ type: 'text', inputmode: 'decimal', id: 'pw-ca' });
    expect(f.html).toContain('<label class="pw-cl" for="pw-ca">Other amount (€)</label>');
    const hint = f.html.match(new RegExp(`id="${custom?.['aria-describedby']}">([^<]*)`))?.[1];
    expect(hint).toBe('From €1 to €1,000.');
    expect(f.html).toContain('used instead of the one selected above');
    // The pattern matches exactly what the server's schema accepts.
    const pattern = new RegExp(`^(?:${custom?.pattern})$`);
    for (const ok of ['7', '7.50', '7,5', '1000']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['7.505', '-1', '€7', '1e3']) expect(pattern.test(bad)).toBe(false);
  });

  it('offers a monthly/once choice, once preselected, inside a fieldset with a legend', () => {
    const f = contribution();
    const recurring = f.inputs.filter((i) => i.name === 'recurring');
    expect(recurring.map((r) => [r.type, r.value, 'checked' in r])).toEqual([
      ['radio', 'once', true],
      ['radio', 'monthly', false],
    ]);
    expect(f.html.match(/<fieldset><legend>/g)).toHaveLength(2);
    expect(f.html).toContain('30 days of unlimited reading');
  });

  it('with contributions: null, only the plans and the restore form remain', () => {
    const html = render({ offers: { ...offers, contributions: null } });
    expect(checkoutForms(html)).toHaveLength(2);
    expect(html).not.toContain('customAmount');
    expect(html).not.toContain('<fieldset');
  });

  it('monthly-only contributions send recurring=monthly and say so on the button', () => {
    const monthlyOnly: Offers = {
      plans: [],
      contributions: {
        ...(offers.contributions as NonNullable<Offers['contributions']>),
        oneTime: false,
      },
    };
    const html = render({ offers: monthlyOnly });
    const [f, ...rest] = checkoutForms(html);
    expect(rest).toHaveLength(0);
    expect(html).not.toContain('pw-ps'); // no plans group
    expect(f?.inputs.filter((i) => i.name === 'recurring')).toEqual([
      { type: 'hidden', name: 'recurring', value: 'monthly' },
    ]);
    expect(f?.html).toContain('>Contribute monthly</button>');
    expect(f?.html).not.toContain('unlimited reading'); // the pass is for one-time gifts
    expect(f && parseForm(submit(f)).success).toBe(true);
  });

  it('contributions with neither mode enabled render no contribution form', () => {
    const none: Offers = {
      plans: [],
      contributions: {
        ...(offers.contributions as NonNullable<Offers['contributions']>),
        oneTime: false,
        monthly: false,
      },
    };
    expect(checkoutForms(render({ offers: none }))).toHaveLength(0);
  });
});

describe('renderPrompt: returnTo, restore, variants, markup rules', () => {
  const nasty = '/x?a=1&b=<script>"\'';

  it('returnTo is a hidden field in every form, escaped', () => {
    const html = render({ returnTo: nasty });
    const forms = formsOf(html);
    expect(forms).toHaveLength(4); // 2 plans, 1 contribution, 1 portal
    for (const f of forms) {
      expect(f.inputs.filter((i) => i.name === 'returnTo')).toEqual([
        { type: 'hidden', name: 'returnTo', value: nasty },
      ]);
    }
    expect(html).toContain('value="/x?a=1&amp;b=&lt;script&gt;&quot;&#39;"');
    expect(html).not.toMatch(/<script/i);
  });

  it('restore posts to the portal; an optional restoreUrl adds a link', () => {
    const portal = formsOf(render()).find((f) => f.attrs.action === '/_paywall/v1/portal');
    expect(portal?.attrs.method).toBe('post');
    expect(portal?.html).toContain('Already a supporter?');
    expect(portal?.html).toContain('<button class="pw-l" type="submit">Manage my support</button>');
    expect(portal?.html).not.toContain('<a ');
    const withUrl = render({ copy: copy({ restoreUrl: '/account?from=paywall&x=1' }) });
    expect(withUrl).toContain(
      '<a href="/account?from=paywall&amp;x=1">Sign in to restore access</a>',
    );
    expect(promptCopySchema.safeParse({ restoreUrl: 'javascript:alert(1)' }).success).toBe(false);
    expect(promptCopySchema.safeParse({ restoreUrl: '//evil.example' }).success).toBe(false);
    expect(promptCopySchema.safeParse({ restoreUrl: 'https://site.example/account' }).success).toBe(
      true,
    );
  });

  it('the root is a labelled region with id="paywall-prompt" and the default heading', () => {
    const html = render();
    expect(html).toMatch(
      /^<section id="paywall-prompt" class="pw-prompt" data-pw-variant="support" aria-labelledby="pw-h">/,
    );
    expect(html).toContain('<h2 id="pw-h">Be Part of Quality Journalism</h2>');
    expect(html).not.toContain('pw-lead');
  });

  it('the walled variant leads with the meter limit (or the premium line without a meter)', () => {
    const walled = render({ variant: 'wall', meter: { limit: 3, used: 3, remaining: 0 } });
    expect(walled).toContain(
      '<p class="pw-lead">You&#39;ve read your 3 free articles this month. Support our reporting to keep reading.</p>',
    );
    expect(render({ variant: 'wall', meter: { limit: 1, used: 1, remaining: 0 } })).toContain(
      'read your free article this month',
    );
    expect(render({ variant: 'wall', meter: null })).toContain('This article is for supporters.');
  });

  it('copy overrides apply and are escaped', () => {
    const html = render({
      copy: copy({ heading: 'Fund <b>us</b> & "them"', contributeButton: "Give, it's fine" }),
    });
    expect(html).toContain('<h2 id="pw-h">Fund &lt;b&gt;us&lt;/b&gt; &amp; &quot;them&quot;</h2>');
    expect(html).toContain('>Give, it&#39;s fine</button>');
    expect(html).not.toContain('<b>us');
  });

  it('plan names from the offers are escaped too', () => {
    const html = render({
      offers: {
        ...offers,
        plans: [{ ...(offers.plans[0] as Offers['plans'][number]), name: '<i>Pro</i>' }],
      },
    });
    expect(html).toContain('&lt;i&gt;Pro&lt;/i&gt; <span>');
  });

  it('ids are unique across prompt and notice; every label points at an existing id', () => {
    const page =
      render({ variant: 'wall', meter: { limit: 3, used: 3, remaining: 0 } }) + notice(2);
    const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id === 'paywall-prompt' || id?.startsWith('pw-')).toBe(true);
    for (const m of page.matchAll(/\s(?:for|aria-labelledby|aria-describedby)="([^"]+)"/g))
      expect(ids).toContain(m[1]);
    // Every non-hidden input has a label: wrapped (radios) or for= (text, checkbox).
    const labelled = page.match(/<label class="pw-op"><input /g)?.length ?? 0;
    const visible = tags(page, 'input').filter((i) => i.type !== 'hidden');
    const byFor = visible.filter((i) => i.id && page.includes(`for="${i.id}"`)).length;
    expect(labelled + byFor).toBe(visible.length);
  });
});

describe('renderMeterNotice', () => {
  it.each([
    [2, '2 of 3 free articles left this month.'],
    [1, '1 free article left this month.'],
    [0, 'No free articles left this month.'],
    [-1, 'No free articles left this month.'],
  ])('%i left: "%s"', (remaining, text) => {
    expect(notice(remaining)).toContain(`<span id="pw-nt">${text}</span>`);
  });

  it('says when the window resets, in UTC, with a machine-readable time', () => {
    expect(notice(2)).toContain(
      'More from <time datetime="2026-12-01T00:00:00.000Z">December 1</time>.',
    );
    const invalid = renderMeterNotice({
      copy: DEFAULT_COPY,
      remaining: 2,
      limit: 3,
      resetsAt: new Date(Number.NaN),
    });
    expect(invalid).not.toContain('<time');
  });

  it('is dismissible with no script: a labelled checkbox before the content it hides', () => {
    const html = notice(2);
    expect(html).toMatch(
      /^<section class="pw-notice" aria-labelledby="pw-nt"><input type="checkbox" class="pw-nx" id="pw-nx">/,
    );
    expect(html).toContain('<label class="pw-nl" for="pw-nx">Dismiss</label>');
    expect(PROMPT_CSS).toContain('.pw-nx:checked,.pw-nx:checked~*{display:none}');
    expect(html).not.toMatch(/<script|\son\w+=/i);
  });

  it('copy overrides are escaped, placeholders filled', () => {
    const custom = copy({
      notice: { one: 'Only {remaining} <left>', other: '{remaining}/{limit} & more' },
    });
    const html = renderMeterNotice({
      copy: custom,
      remaining: 5,
      limit: 10,
      resetsAt: new Date('2026-12-01T00:00:00Z'),
    });
    expect(html).toContain('<span id="pw-nt">5/10 &amp; more</span>');
  });
});

describe('prompt size', () => {
  it('prompt + styles + notice for the default offers stay under 12 KB', () => {
    const bytes = new TextEncoder().encode(
      PROMPT_STYLES +
        render({ variant: 'wall', meter: { limit: 3, used: 3, remaining: 0 } }) +
        notice(2),
    ).byteLength;
    expect(bytes).toBeLessThan(12 * 1024);
  });
});
