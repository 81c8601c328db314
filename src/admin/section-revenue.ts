import { escapeHtml as e } from '../html/escape';
import type { StatsReport } from '../schemas/stats';
import { formatCount, formatMoney, formatMoneyList } from './chart-format';
import { dataTable } from './chart-table';
import { barChart, noData } from './charts';
import { para, plural, section } from './section-frame';

/**
 * Question 3: what did it earn? Revenue by offer as bars, one chart per currency (euros and
 * dollars are not one scale), the totals per currency, and the recurring support now.
 */

export const REVENUE_HEADING = 'What did it earn?';

export function revenueSection(report: StatsReport): string {
  const totals = report.revenueByCurrency;
  const lead =
    totals.length === 0
      ? 'No payments in this period.'
      : `${totals
          .map(
            (t) =>
              `${formatMoney(t.amount, t.currency)} from ${formatCount(t.payments)} ${plural(t.payments, 'payment', 'payments')}`,
          )
          .join('; ')}.`;
  const currencies = [...new Set(report.revenue.map((r) => r.currency))];
  const charts =
    currencies.length === 0
      ? noData('Revenue by offer')
      : currencies
          .map((currency, i) => {
            const items = report.revenue.filter((r) => r.currency === currency);
            const title = `Revenue by offer, in ${currency.toUpperCase()}`;
            return `<h3>${e(title)}</h3>${barChart(
              items.map((r) => ({
                label: r.offer,
                value: r.amount,
                display: formatMoney(r.amount, r.currency),
              })),
              {
                // The index, not the currency: ids are trusted, currencies are not.
                id: `chart-revenue-${i}`,
                title,
                desc: items
                  .map((r) => `${r.offer}: ${formatMoney(r.amount, r.currency)}`)
                  .join('; '),
              },
            )}`;
          })
          .join('');
  const byOffer = dataTable({
    id: 'table-revenue',
    caption: 'Revenue by offer',
    head: ['Offer', 'Currency', 'Payments', 'Revenue'],
    rows: report.revenue.map((r) => [
      r.offer,
      r.currency.toUpperCase(),
      formatCount(r.payments),
      formatMoney(r.amount, r.currency),
    ]),
  });
  const byCurrency = dataTable({
    id: 'table-currency',
    caption: 'Revenue by currency',
    head: ['Currency', 'Payments', 'Revenue'],
    rows: totals.map((t) => [
      t.currency.toUpperCase(),
      formatCount(t.payments),
      formatMoney(t.amount, t.currency),
    ]),
  });
  const s = report.supporters;
  const supporters = para(
    `${formatCount(s.active)} recurring ${plural(s.active, 'supporter', 'supporters')} now (monthly recurring revenue: ${s.mrr.length === 0 ? 'none' : formatMoneyList(s.mrr)}); ${formatCount(report.cancellations)} ${plural(report.cancellations, 'cancellation', 'cancellations')} in this period.`,
  );
  const tables = report.revenue.length === 0 ? '' : byOffer + byCurrency;
  return section('q-earn', REVENUE_HEADING, para(lead) + charts + tables + supporters);
}
