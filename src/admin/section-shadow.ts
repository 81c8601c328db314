import { escapeHtml as e } from '../html/escape';
import type { StatsReport } from '../schemas/stats';
import { formatCount, formatPercent } from './chart-format';
import { dataTable } from './chart-table';
import { para, plural } from './section-frame';

/**
 * The shadow report: the live rules and a candidate (a limit of 5, a new premium section)
 * counted side by side on the same reads, the candidate never applied. It answers "would it
 * lose readers?" with counts; "would it earn more?" only as an estimate, said to be one: the
 * report counts the candidate's walls, not what its readers would have paid.
 */

const signed = (n: number) =>
  n > 0 ? `${formatCount(n)} more` : n < 0 ? `${formatCount(-n)} fewer` : 'no change';

export function shadowBlock(report: StatsReport, description: string | undefined): string {
  const heading = '<h3 id="h-shadow">What the shadow rules would have done</h3>';
  const { configured, live, candidate } = report.shadow;
  if (!configured) {
    return (
      heading +
      para(
        'No shadow rules are configured. Add a candidate (another free-article limit, or another premium section) to the configuration as docs/configuration.md describes: it is counted beside the live rules on every read, never applied, and this section then shows both side by side.',
      )
    );
  }
  const name = description?.trim() ? description.trim() : 'The candidate rules';
  const readers = candidate.walledReaders - live.walledReaders;
  const views = candidate.walledViews - live.walledViews;
  const table = dataTable({
    id: 'table-shadow',
    caption: `Live rules against the candidate (${name})`,
    head: ['Measure', 'Live', 'Candidate', 'Difference'],
    rows: [
      [
        'Walled views',
        formatCount(live.walledViews),
        formatCount(candidate.walledViews),
        signed(views),
      ],
      [
        'Walled readers',
        formatCount(live.walledReaders),
        formatCount(candidate.walledReaders),
        signed(readers),
      ],
    ],
  });
  const sentence = `${name} would have walled ${formatCount(candidate.walledReaders)} ${plural(candidate.walledReaders, 'reader', 'readers')} instead of ${formatCount(live.walledReaders)} (${signed(readers)}), on ${formatCount(candidate.walledViews)} views instead of ${formatCount(live.walledViews)}.`;
  const rate = report.conversion.paidPerPrompt;
  const more = views > 0 ? 'more' : 'fewer';
  const estimate =
    rate === null || views === 0
      ? ''
      : ` At this period's rate (${formatPercent(rate)} of prompts paid), ${formatCount(Math.abs(views))} ${more} walled views would mean roughly ${formatCount(Math.round(Math.abs(views) * rate))} ${more} payments, if those readers paid as walled readers do now: an estimate, not a count.`;
  return `${heading}<p>${e(sentence + estimate)}</p>${table}`;
}
