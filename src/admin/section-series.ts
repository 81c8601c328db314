import type { StatsReport } from '../schemas/stats';
import { formatCount, formatDay } from './chart-format';
import { dataTable } from './chart-table';
import { seriesChart } from './charts';
import { section } from './section-frame';

/**
 * Views, walls and payments over the period, one bar per day (or week, or month). The table is
 * long (a quarter by day is 90 rows), so it sits in a `<details>`: shown on request, not hidden
 * from anyone.
 */

const UNIT = { day: 'day', week: 'week', month: 'month' } as const;

export function seriesHeading(granularity: StatsReport['granularity']): string {
  return `Views, walls and payments, ${UNIT[granularity]} by ${UNIT[granularity]}`;
}

export function seriesSection(report: StatsReport): string {
  const unit = UNIT[report.granularity];
  const chart = seriesChart(
    report.series,
    [
      { key: 'views', label: 'Views' },
      { key: 'walled', label: 'Walled views' },
      { key: 'paid', label: 'Payments' },
    ],
    {
      id: 'chart-series',
      title: `Views, walled views and payments per ${unit}`,
      desc:
        report.series.length === 0
          ? 'No data.'
          : `${report.series.length} ${unit}s from ${formatDay(report.series[0]?.start ?? '')}; the table below has every value.`,
    },
  );
  const table = dataTable({
    id: 'table-series',
    caption: `Per ${unit}`,
    head: [
      unit === 'day' ? 'Day' : `${unit[0]?.toUpperCase()}${unit.slice(1)} from`,
      'Views',
      'Walled',
      'Prompts',
      'Checkouts',
      'Paid',
    ],
    rows: report.series.map((p) => [
      formatDay(p.start),
      formatCount(p.views),
      formatCount(p.walled),
      formatCount(p.prompts),
      formatCount(p.checkouts),
      formatCount(p.paid),
    ]),
  });
  const details =
    report.series.length === 0
      ? ''
      : `<details><summary>The numbers, ${unit} by ${unit}</summary>${table}</details>`;
  return section('q-series', seriesHeading(report.granularity), chart + details);
}
