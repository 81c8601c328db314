import type { StatsReport, ViewOutcome } from '../schemas/stats';
import { formatCount, formatPercent, ratio } from './chart-format';
import { dataTable } from './chart-table';
import { barChart } from './charts';
import { para, plural, section } from './section-frame';

/** Question 1: how many readers hit the wall? Views by what the decision said about them. */

/** Each outcome in the publisher's words (the access API's `reason` values are for code). */
const OUTCOME_LABELS: Record<ViewOutcome, string> = {
  metered: 'Free reads counted by the meter',
  already_read: 'Re-reads (free)',
  meter_exhausted: 'Walled: free articles used up',
  premium: 'Walled: premium article',
  subscriber: 'Read by supporters',
  free_article: 'Free articles',
  verified_crawler: 'Search crawlers',
  degraded: 'Let through: meter unavailable',
};

/** Free reads first, then the walls, then those the meter never saw: the order of the story. */
const OUTCOME_ORDER = Object.keys(OUTCOME_LABELS) as ViewOutcome[];

export const WALL_HEADING = 'How many readers hit the wall?';

export function wallSection(report: StatsReport): string {
  const { views, walled } = report.funnel;
  const readers = report.shadow.live.walledReaders;
  const share = formatPercent(report.conversion.walledPerView);
  const lead =
    views === 0
      ? 'No article views were counted in this period.'
      : `${formatCount(walled)} of ${formatCount(views)} article ${plural(views, 'view', 'views')} met the wall (${share})` +
        (readers > 0
          ? `, from about ${formatCount(readers)} ${plural(readers, 'reader', 'different readers')}.`
          : '.');
  const rows = OUTCOME_ORDER.map((outcome) => {
    const n = report.views[outcome] ?? 0;
    return { outcome, n, share: formatPercent(ratio(n, views)) };
  });
  const chart = barChart(
    rows.map((r) => ({
      label: OUTCOME_LABELS[r.outcome],
      value: r.n,
      display: `${formatCount(r.n)} (${r.share})`,
    })),
    {
      id: 'chart-views',
      title: 'Article views by what the paywall decided',
      desc: rows.map((r) => `${OUTCOME_LABELS[r.outcome]}: ${formatCount(r.n)}`).join('; '),
    },
  );
  const table = dataTable({
    id: 'table-views',
    caption: 'Article views by outcome',
    head: ['Outcome', 'Views', 'Share of views'],
    rows: [
      ...rows.map((r) => [OUTCOME_LABELS[r.outcome], formatCount(r.n), r.share]),
      ['All views', formatCount(views), formatPercent(ratio(views, views))],
    ],
  });
  const id = report.identity;
  const accounts = para(
    `Accounts: ${formatCount(id.registration ?? 0)} free registrations, ${formatCount(id.sign_in ?? 0)} sign-ins, ${formatCount(id.restore ?? 0)} supporters' access restored on a device.`,
  );
  return section('q-wall', WALL_HEADING, para(lead) + chart + table + accounts);
}
