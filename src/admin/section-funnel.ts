import type { StatsReport } from '../schemas/stats';
import { formatCount, formatPercent, ratio } from './chart-format';
import { dataTable } from './chart-table';
import { baseStep, type FunnelStep, funnelChart } from './charts';
import { para, plural, section } from './section-frame';

/** Question 2: how many went to checkout, and how many paid? The funnel, step by step. */

export const FUNNEL_HEADING = 'How many went to checkout, and how many paid?';

function funnelSteps(report: StatsReport): FunnelStep[] {
  const f = report.funnel;
  return [
    { label: 'Views', count: f.views },
    { label: 'Walled views', count: f.walled },
    // On walled and whole articles alike: a share of views, not of walled views.
    { label: 'Prompts shown', count: f.prompts, of: 0 },
    { label: 'Checkouts started', count: f.checkouts },
    { label: 'Paid', count: f.paid },
  ];
}

export function funnelSection(report: StatsReport): string {
  const f = report.funnel;
  const c = report.conversion;
  const steps = funnelSteps(report);
  const chart = funnelChart(steps, {
    id: 'chart-funnel',
    title: 'The funnel: views, walled, prompts, checkouts, paid',
    desc: steps.map((s) => `${s.label}: ${formatCount(s.count)}`).join('; '),
  });
  const table = dataTable({
    id: 'table-funnel',
    caption: 'The funnel, step by step',
    head: ['Step', 'Count', 'Share of the step it follows', 'Share of views'],
    rows: steps.map((s, i) => {
      const prev = baseStep(steps, i);
      return [
        s.label,
        formatCount(s.count),
        prev ? formatPercent(ratio(s.count, prev.count)) : '',
        formatPercent(ratio(s.count, f.views)),
      ];
    }),
  });
  const lead =
    f.prompts === 0
      ? 'No prompt was shown in this period.'
      : `${formatCount(f.checkouts)} ${plural(f.checkouts, 'reader', 'readers')} went to checkout (${formatPercent(c.checkoutPerPrompt)} of prompts shown) and ${formatCount(f.paid)} paid (${formatPercent(c.paidPerCheckout)} of checkouts, ${formatPercent(c.paidPerPrompt)} of prompts).`;
  const kinds = para(
    `Prompts: ${formatCount(report.prompts.wall ?? 0)} on the wall, ${formatCount(report.prompts.support ?? 0)} as the support prompt under articles read in full.`,
  );
  return section('q-paid', FUNNEL_HEADING, para(lead) + chart + table + kinds);
}
