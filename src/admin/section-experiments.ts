import { escapeHtml as e } from '../html/escape';
import type { StatsReport } from '../schemas/stats';
import { formatCount, formatMoneyList, formatPercent, ratio } from './chart-format';
import { dataTable } from './chart-table';
import { intervalChart } from './charts';
import { para } from './section-frame';

/**
 * The prompt experiments: per variant, prompts shown, checkouts, payments, the conversion
 * (paid per prompt) with its 95% interval, and revenue; then which variant leads and whether
 * the intervals say it really does (the report decides that; this only words it).
 */

type Variant = StatsReport['experiments']['variants'][number];

function conversion(v: Variant): string {
  const { rate, low, high } = v.conversion;
  return rate === null
    ? formatPercent(null)
    : `${formatPercent(rate)} (${formatPercent(low)} to ${formatPercent(high)})`;
}

function leaderSentence(experiments: StatsReport['experiments']): string {
  const { variants, leader } = experiments;
  if (leader === null) return 'No variant has shown a prompt yet, so none leads.';
  if (variants.length < 2) return `Only one variant (${leader.id}): nothing to compare it with.`;
  return leader.significant
    ? `${leader.id} leads, and the intervals do not overlap: a real difference.`
    : `${leader.id} leads so far, but the intervals overlap: not yet a real difference.`;
}

export function experimentsBlock(report: StatsReport): string {
  const heading = '<h3 id="h-experiments">Prompt experiments</h3>';
  const { variants } = report.experiments;
  if (variants.length === 0) {
    return (
      heading +
      para(
        'No experiment is configured. Give the prompt two or more variants (a headline, copy, which offer comes first, the default contribution), each with a weight, as docs/configuration.md describes; each reader stays in one variant, and this table then compares them.',
      )
    );
  }
  const totalWeight = variants.reduce((sum, v) => sum + v.weight, 0);
  const table = dataTable({
    id: 'table-experiments',
    caption: 'Variants of the prompt (conversion: paid per prompt shown, with its 95% interval)',
    head: [
      'Variant',
      'Weight',
      'Prompts',
      'Checkouts',
      'Paid',
      'Conversion (95% interval)',
      'Revenue',
    ],
    rows: variants.map((v) => [
      v.id,
      `${formatCount(v.weight)} (${formatPercent(ratio(v.weight, totalWeight))})`,
      formatCount(v.prompts),
      formatCount(v.checkouts),
      formatCount(v.paid),
      conversion(v),
      formatMoneyList(v.revenue),
    ]),
  });
  const chart = intervalChart(
    variants.map((v) => ({ label: v.id, ...v.conversion })),
    {
      id: 'chart-experiments',
      title: 'Conversion per variant, with its 95% interval',
      desc: variants.map((v) => `${v.id}: ${conversion(v)}`).join('; '),
    },
  );
  return `${heading}${chart}${table}<p class="pw-verdict">${e(leaderSentence(report.experiments))}</p>`;
}
