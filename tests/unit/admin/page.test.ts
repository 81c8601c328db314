import { describe, expect, it } from 'vitest';
import { NO_DATA } from '../../../src/admin/charts';
import { type DashboardContext, renderDashboard } from '../../../src/admin/page';
import { attrsOf, decode, formsOf, tags } from '../support/forms';
import { emptyReport, NOVEMBER, sampleReport } from './fixtures';

const render = (report = sampleReport(), ctx: Partial<DashboardContext> = {}) =>
  renderDashboard(report, { period: NOVEMBER, siteName: 'The Harbour Gazette', ...ctx });

/** The text of the section whose heading has this id, markup removed. */
function sectionText(html: string, id: string): string {
  const match = html.match(new RegExp(`<section aria-labelledby="${id}">([\\s\\S]*?)</section>`));
  expect(match, `section ${id}`).not.toBeNull();
  return decode((match?.[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
}

/** The cells of the table row whose header cell says `name`, in the table with this caption. */
function row(html: string, caption: string, name: string): string[] {
  const table = html.split(`>${caption}</caption>`)[1]?.split('</table>')[0] ?? '';
  const tr = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .map((m) =>
      [...(m[1] ?? '').matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((c) => decode(c[1] ?? '')),
    )
    .find((cells) => cells[0] === name);
  expect(tr, `${caption}: ${name}`).toBeDefined();
  return tr ?? [];
}

describe('renderDashboard: a populated report', () => {
  const html = render();

  it('is a whole document with the four questions as section headings, plus the series', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>The Harbour Gazette: reader revenue</title>');
    const headings = [
      ...html.matchAll(/<section aria-labelledby="([\w-]+)"><h2 id="([\w-]+)">([^<]+)<\/h2>/g),
    ];
    for (const [, labelledBy, id] of headings) expect(labelledBy).toBe(id);
    expect(headings.map((h) => h[3])).toEqual([
      'How many readers hit the wall?',
      'How many went to checkout, and how many paid?',
      'Views, walls and payments, day by day',
      'What did it earn?',
      'Would another limit earn more?',
    ]);
  });

  it('1: walled views, their share and the readers behind them; views by outcome', () => {
    const text = sectionText(html, 'q-wall');
    expect(text).toContain(
      '3,000 of 12,000 article views met the wall (25.0%), from about 900 different readers.',
    );
    expect(row(html, 'Article views by outcome', 'Walled: free articles used up')).toEqual([
      'Walled: free articles used up',
      '2,600',
      '21.7%',
    ]);
    expect(row(html, 'Article views by outcome', 'All views')[1]).toBe('12,000');
    expect(text).toContain('85 free registrations, 40 sign-ins, 12 supporters');
  });

  it('2: the funnel with step-to-step shares', () => {
    const text = sectionText(html, 'q-paid');
    expect(text).toContain(
      '240 readers went to checkout (6.7% of prompts shown) and 60 paid (25.0% of checkouts, 1.7% of prompts).',
    );
    expect(row(html, 'The funnel, step by step', 'Paid')).toEqual(['Paid', '60', '25.0%', '0.5%']);
    expect(row(html, 'The funnel, step by step', 'Walled views')).toEqual([
      'Walled views',
      '3,000',
      '25.0%',
      '25.0%',
    ]);
    expect(text).toContain('3,000 on the wall, 600 as the support prompt');
  });

  it('the series: a bar per day, the numbers in a details table', () => {
    expect(html).toMatch(/<details><summary>The numbers, day by day<\/summary>/);
    expect(row(html, 'Per day', 'Nov 2, 2026')).toEqual([
      'Nov 2, 2026',
      '400',
      '100',
      '120',
      '8',
      '1',
    ]);
    const chart = html.slice(
      html.indexOf('<svg class="pw-chart" viewBox="0 0 320', html.indexOf('q-series')),
    );
    expect(chart).toContain('Views: 12,000 in all');
    expect(chart).toContain('Payments: 60 in all');
  });

  it('3: revenue per currency and offer, supporters and MRR', () => {
    const text = sectionText(html, 'q-earn');
    expect(text).toContain('€610.00 from 56 payments; $42.50 from 4 payments.');
    expect(row(html, 'Revenue by offer', 'yearly')).toEqual(['yearly', 'EUR', '6', '€360.00']);
    expect(row(html, 'Revenue by currency', 'USD')).toEqual(['USD', '4', '$42.50']);
    expect(text).toContain(
      '212 recurring supporters now (monthly recurring revenue: €1,060.00, $15.00); 4 cancellations in this period.',
    );
    // One chart per currency: euros and dollars are not one scale.
    expect(html).toContain('<title id="chart-revenue-0-title">Revenue by offer, in EUR</title>');
    expect(html).toContain('<title id="chart-revenue-1-title">Revenue by offer, in USD</title>');
  });

  it('4: the shadow rules side by side with the live ones, and the experiments', () => {
    const text = sectionText(
      render(sampleReport(), { shadowDescription: 'A limit of 5 free articles' }),
      'q-limit',
    );
    expect(text).toContain(
      'A limit of 5 free articles would have walled 520 readers instead of 900 (380 fewer), on 1,800 views instead of 3,000.',
    );
    // 1,200 fewer walled views at 60/3,600 paid per prompt: 20 fewer payments, as an estimate.
    expect(text).toContain('roughly 20 fewer payments');
    expect(text).toContain('an estimate, not a count');
    expect(
      row(html, 'Live rules against the candidate (The candidate rules)', 'Walled readers'),
    ).toEqual(['Walled readers', '900', '520', '380 fewer']);
    const caption =
      'Variants of the prompt (conversion: paid per prompt shown, with its 95% interval)';
    expect(row(html, caption, 'urgent-headline')).toEqual([
      'urgent-headline',
      '1 (50.0%)',
      '1,800',
      '140',
      '40',
      '2.2% (1.6% to 3.0%)',
      '€410.00',
    ]);
    expect(text).toContain(
      'urgent-headline leads so far, but the intervals overlap: not yet a real difference.',
    );
  });

  it('names a significant leader as one', () => {
    const report = sampleReport();
    const significant = sampleReport({
      experiments: { ...report.experiments, leader: { id: 'urgent-headline', significant: true } },
    });
    expect(sectionText(render(significant), 'q-limit')).toContain(
      'urgent-headline leads, and the intervals do not overlap: a real difference.',
    );
  });

  it('a period form that works without JavaScript: GET to this URL, every field labelled', () => {
    const [form] = formsOf(html);
    expect(form?.attrs.method).toBe('get');
    expect(form?.attrs.action).toBeUndefined();
    const fields = [...(form?.inputs ?? []), ...tags(form?.html ?? '', 'select')];
    expect(fields.map((f) => [f.name, f.type, f.value])).toEqual([
      ['from', 'date', '2026-11-01'],
      ['to', 'date', '2026-11-30'],
      ['granularity', undefined, undefined],
    ]);
    const labels = tags(form?.html ?? '', 'label').map((l) => l.for);
    for (const f of fields) expect(labels).toContain(f.id);
    expect(form?.html).toContain('<option value="day" selected>Day</option>');
    const weekly = render(sampleReport(), { period: { ...NOVEMBER, granularity: 'week' } });
    expect(formsOf(weekly)[0]?.html).toContain('<option value="week" selected>Week</option>');
  });

  it('every chart is an image named by its title, and scales (viewBox, no fixed width)', () => {
    const svgs = tags(html, 'svg');
    // Views, funnel, series, revenue in eur and in usd, the experiment's intervals.
    expect(svgs.length).toBe(6);
    for (const svg of svgs) {
      expect(svg.role).toBe('img');
      expect(html).toContain(`<title id="${svg['aria-labelledby']}">`);
      expect(html).toContain(`<desc id="${svg['aria-describedby']}">`);
      expect(svg.viewBox).toMatch(/^0 0 320 \d+$/);
      expect(svg.width).toBeUndefined();
    }
    // Nothing anywhere is wider than a 320 px phone in CSS pixels.
    for (const m of html.matchAll(/(?:width|min-width)\s*:\s*(\d+)px/g)) {
      expect(Number(m[1])).toBeLessThanOrEqual(320);
    }
  });

  it('every table scrolls inside a focusable, named region; ids are unique', () => {
    const regions = tags(html, 'div').filter((d) => d.class === 'pw-scroll');
    expect(regions.length).toBeGreaterThanOrEqual(7);
    for (const r of regions) {
      expect(r).toMatchObject({ role: 'region', tabindex: '0' });
      expect(html).toContain(`<caption id="${r['aria-labelledby']}">`);
    }
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has no script, no style attribute and nothing from another host; the nonce is on the style', () => {
    const withNonce = render(sampleReport(), { nonce: 'r4nd0m' });
    expect(withNonce).toContain('<style nonce="r4nd0m">');
    expect(withNonce).not.toMatch(/<script|\sstyle=|\son\w+=|https?:\/\//i);
  });
});

describe('renderDashboard: an empty report', () => {
  const html = render(emptyReport());

  it('has no NaN, Infinity, undefined or null anywhere', () => {
    expect(html).not.toMatch(/NaN|Infinity|undefined|null/);
  });

  it('shows "No data for this period" in place of each chart', () => {
    expect(tags(html, 'svg')).toHaveLength(0);
    // Views by outcome, the funnel, the series, revenue by offer.
    expect(html.split(NO_DATA).length - 1).toBe(4);
    expect(sectionText(html, 'q-wall')).toContain('No article views were counted in this period.');
    expect(sectionText(html, 'q-earn')).toContain('No payments in this period.');
    expect(sectionText(html, 'q-earn')).toContain('(monthly recurring revenue: none)');
  });

  it('says how to configure the shadow rules and an experiment', () => {
    const text = sectionText(html, 'q-limit');
    expect(text).toContain('No shadow rules are configured.');
    expect(text).toContain('No experiment is configured.');
    expect(text.match(/docs\/configuration\.md/g)).toHaveLength(2);
  });

  it('a configured experiment with nothing shown yet, or zero weights, reads cleanly', () => {
    const report = emptyReport({
      experiments: {
        variants: [
          {
            id: 'a',
            weight: 0,
            prompts: 0,
            checkouts: 0,
            paid: 0,
            revenue: [],
            conversion: { rate: null, low: null, high: null },
          },
        ],
        leader: null,
      },
      shadow: {
        configured: true,
        live: { walledViews: 0, walledReaders: 0 },
        candidate: { walledViews: 0, walledReaders: 0 },
      },
    });
    const out = render(report);
    expect(out).not.toMatch(/NaN|Infinity|undefined|null/);
    expect(sectionText(out, 'q-limit')).toContain(
      'No variant has shown a prompt yet, so none leads.',
    );
    expect(
      row(
        out,
        'Variants of the prompt (conversion: paid per prompt shown, with its 95% interval)',
        'a',
      ),
    ).toEqual(['a', '0 (—)', '0', '0', '0', '—', '—']);
  });
});

describe('renderDashboard: hostile strings from configuration and Stripe metadata', () => {
  const evil = '<script>alert(1)</script>';
  const attr = '"><img src=x onerror=alert(1)>';
  const base = sampleReport();
  const report = sampleReport({
    revenue: [{ offer: evil, currency: attr, amount: 100, payments: 1 }],
    revenueByCurrency: [{ currency: evil, amount: 100, payments: 1 }],
    supporters: { active: 1, mrr: [{ currency: attr, amount: 5 }] },
    experiments: {
      variants: base.experiments.variants.map((v, i) => ({
        ...v,
        id: i === 0 ? evil : attr,
        revenue: [{ currency: evil, amount: 1 }],
      })),
      leader: { id: attr, significant: true },
    },
  });
  const html = render(report, {
    siteName: evil,
    shadowDescription: attr,
    nonce: attr,
    period: { from: attr, to: evil, granularity: 'day' },
  });

  it('are escaped everywhere: no script, no injected element or attribute', () => {
    expect(html).not.toMatch(/<script|<img/i);
    // No tag gained an attribute: outside quoted values, no tag says `onerror`.
    const tagsOnly = [...html.matchAll(/<[^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
    expect(tagsOnly.filter((t) => /onerror|src=/i.test(t))).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    // Still the same page: its sections and its one form are all there.
    expect(html.match(/<section /g)).toHaveLength(5);
    expect(formsOf(html)).toHaveLength(1);
    const style = tags(html, 'style')[0];
    expect(style?.nonce).toBe(attr);
  });

  it('a hostile variant id in the leader line is text', () => {
    expect(sectionText(html, 'q-limit')).toContain(
      `${attr} leads, and the intervals do not overlap`,
    );
    const input = attrsOf(html.match(/<input type="date" id="pw-from"[^>]*>/)?.[0] ?? '');
    expect(input.value).toBe(attr);
  });
});
