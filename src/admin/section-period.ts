import { escapeHtml as e } from '../html/escape';
import type { StatsReport } from '../schemas/stats';

/**
 * The period picker: a plain GET form with no action, so it submits `from`, `to` and
 * `granularity` to the page's own URL and works with JavaScript off. Every field has a label.
 */

export type Granularity = StatsReport['granularity'];

export interface Period {
  from: string;
  to: string;
  granularity: Granularity;
}

const GRANULARITIES: readonly { value: Granularity; label: string }[] = [
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
];

export function periodForm(period: Period): string {
  const options = GRANULARITIES.map(
    (g) =>
      `<option value="${g.value}"${g.value === period.granularity ? ' selected' : ''}>${g.label}</option>`,
  ).join('');
  return `<form method="get" class="pw-period" aria-label="Period">
<div><label for="pw-from">From</label><input type="date" id="pw-from" name="from" value="${e(period.from)}" required></div>
<div><label for="pw-to">To</label><input type="date" id="pw-to" name="to" value="${e(period.to)}" required></div>
<div><label for="pw-granularity">By</label><select id="pw-granularity" name="granularity">${options}</select></div>
<div><button type="submit">Show</button></div>
</form>`;
}
