import { escapeHtml as e } from '../html/escape';
import {
  finite,
  formatCompact,
  formatCount,
  formatPercent,
  formatShortDay,
  ratio,
} from './chart-format';

/**
 * The dashboard's charts: pure functions from numbers to inline SVG, drawn by the worker so the
 * page needs no script and no asset from anywhere. Each chart:
 *   - is `role="img"`, named by its `<title>` and described by a `<desc>` that says the numbers
 *     in words; the page also shows them in a real table beside it;
 *   - has a `viewBox` 320 units wide and no width of its own: CSS makes it `width:100%` (at most
 *     28rem), so it fits a 320 px phone and its 14-unit text stays about 12 px there;
 *   - never relies on colour: every bar is labelled with its name and value in text, and all
 *     marks share one colour (#0b5394, 7.8:1 on white; text #1f1f1f, 16.5:1; muted #4d4d4d,
 *     8.5:1);
 *   - draws "No data for this period" instead of an empty or NaN-ridden picture.
 */

/** Width of every chart in viewBox units. */
export const CHART_WIDTH = 320;
/** About how wide one character of 14-unit text is, to keep a label clear of its value. */
const CHAR = 7.2;
const PAD = 4;
const INK = '#1f1f1f';
const MUTED = '#4d4d4d';
const MARK = '#0b5394';
const TRACK = '#e8eef5';

export interface ChartText {
  /** Unique in the page: the title and desc ids derive from it. Trusted (not from the report). */
  id: string;
  title: string;
  /** The numbers in words, for screen readers (the title says what, this says how much). */
  desc: string;
}

export const NO_DATA = 'No data for this period.';

/** What a chart with nothing to draw shows in its place. */
export function noData(title: string): string {
  return `<p class="pw-empty"><strong>${e(title)}:</strong> ${e(NO_DATA)}</p>`;
}

function svg(text: ChartText, height: number, body: string): string {
  const t = `${text.id}-title`;
  const d = `${text.id}-desc`;
  return `<svg class="pw-chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-labelledby="${e(t)}" aria-describedby="${e(d)}" focusable="false"><title id="${e(t)}">${e(text.title)}</title><desc id="${e(d)}">${e(text.desc)}</desc>${body}</svg>`;
}

function label(
  x: number,
  y: number,
  text: string,
  opts: { end?: boolean; muted?: boolean; bold?: boolean; size?: number } = {},
): string {
  const anchor = opts.end ? ' text-anchor="end"' : '';
  const weight = opts.bold ? ' font-weight="700"' : '';
  return `<text x="${x}" y="${y}" font-size="${opts.size ?? 14}" fill="${opts.muted ? MUTED : INK}"${anchor}${weight}>${e(text)}</text>`;
}

/**
 * A label short enough to end before the value written at the other end of its row. Offer and
 * variant ids come from configuration and can be long; the row must stay legible at 320 px.
 */
export function shorten(text: string, value: string): string {
  // The whole label is in the chart's desc and in the table under it.
  const room = Math.floor((CHART_WIDTH - 2 * PAD - (value.length + 2) * CHAR) / CHAR);
  const chars = [...text];
  return chars.length <= room ? text : `${chars.slice(0, Math.max(1, room - 1)).join('')}…`;
}

/** A horizontal bar on a light track; a non-zero value is at least 2 units long, so it shows. */
function bar(y: number, value: number, max: number, height: number): string {
  const inner = CHART_WIDTH - 2 * PAD;
  const v = Math.max(0, finite(value));
  const w = v === 0 ? 0 : Math.max(2, (v / max) * inner);
  return `<rect x="${PAD}" y="${y}" width="${inner}" height="${height}" fill="${TRACK}"/>${
    w > 0 ? `<rect x="${PAD}" y="${y}" width="${round(w)}" height="${height}" fill="${MARK}"/>` : ''
  }`;
}

const round = (n: number) => Math.round(n * 10) / 10;

export interface FunnelStep {
  label: string;
  count: number;
  /**
   * The step this one is a share of, when it is not the one before: prompts are shown on
   * walled and whole articles alike, so they are a share of views, not of walled views.
   */
  of?: number;
}

/** The step `steps[i]` is a share of: the one it names, else the one before (none for the first). */
export function baseStep(steps: readonly FunnelStep[], i: number): FunnelStep | undefined {
  const step = steps[i];
  return step?.of === undefined ? steps[i - 1] : steps[step.of];
}

/**
 * The funnel, one row per step: its name and count in text, a bar scaled to the largest step,
 * and the share of the step before ("25.0% of walled views").
 */
export function funnelChart(steps: readonly FunnelStep[], text: ChartText): string {
  const max = Math.max(0, ...steps.map((s) => finite(s.count)));
  if (max === 0) return noData(text.title);
  const row = 62;
  const rows = steps.map((step, i) => {
    const top = i * row + 14;
    const prev = baseStep(steps, i);
    const share = prev
      ? `${formatPercent(ratio(step.count, prev.count))} of ${prev.label.toLowerCase()}`
      : '';
    return [
      label(PAD, top, step.label),
      label(CHART_WIDTH - PAD, top, formatCount(step.count), { end: true, bold: true }),
      bar(top + 6, step.count, max, 16),
      share ? label(PAD, top + 40, share, { muted: true, size: 13 }) : '',
    ].join('');
  });
  return svg(text, steps.length * row, rows.join(''));
}

export interface BarItem {
  label: string;
  value: number;
  /** The value as the reader should read it ("€120.00", "1,234 (12.0%)"). */
  display: string;
}

/** Horizontal bars, one per item, each with its label and value written beside it. */
export function barChart(items: readonly BarItem[], text: ChartText): string {
  const max = Math.max(0, ...items.map((i) => finite(i.value)));
  if (max === 0) return noData(text.title);
  const row = 46;
  const rows = items.map((item, i) => {
    const top = i * row + 14;
    return [
      label(PAD, top, shorten(item.label, item.display)),
      label(CHART_WIDTH - PAD, top, item.display, { end: true, bold: true }),
      bar(top + 6, item.value, max, 14),
    ].join('');
  });
  return svg(text, items.length * row, rows.join(''));
}

export interface SeriesLine<K extends string> {
  key: K;
  label: string;
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above n, so ticks read as round numbers. */
export function niceCeiling(n: number): number {
  if (!(n > 0) || !Number.isFinite(n)) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  const step = [1, 2, 5, 10].find((m) => m * power >= n) ?? 10;
  return step * power;
}

/**
 * A daily (or weekly, monthly) series: one panel per line, stacked, each with its own scale.
 * Payments are often a hundredth of views; on a shared axis they would lie flat on zero. Each
 * panel is a row of bars with ticks at 0, half and the top; the dates of the first, middle
 * and last bar sit under the last panel.
 */
export function seriesChart<K extends string>(
  points: readonly ({ start: string } & Record<K, number>)[],
  lines: readonly SeriesLine<K>[],
  text: ChartText,
): string {
  const any = points.some((p) => lines.some((l) => finite(p[l.key]) > 0));
  if (!any) return noData(text.title);
  const gutter = 36;
  const plotW = CHART_WIDTH - gutter - PAD;
  const panel = 100;
  const plotH = 60;
  const slot = plotW / points.length;
  const barW = slot > 3 ? slot * 0.8 : slot;
  const panels = lines.map((line, li) => {
    const top = li * panel;
    const base = top + 26 + plotH;
    const values = points.map((p) => Math.max(0, finite(p[line.key])));
    const ceiling = niceCeiling(Math.max(...values));
    // Counts have no half: the middle tick only when it is a whole number.
    const ticks = (Number.isInteger(ceiling / 2) ? [0, ceiling / 2, ceiling] : [0, ceiling])
      .map((v) => {
        const y = round(base - (v / ceiling) * plotH);
        return `${label(gutter - 6, y + 4, formatCompact(v), { end: true, muted: true, size: 12 })}<line x1="${gutter}" x2="${CHART_WIDTH - PAD}" y1="${y}" y2="${y}" stroke="${TRACK}"/>`;
      })
      .join('');
    const bars = values
      .map((v, i) => {
        if (v === 0) return '';
        const h = Math.max(1, (v / ceiling) * plotH);
        return `<rect x="${round(gutter + i * slot + (slot - barW) / 2)}" y="${round(base - h)}" width="${round(barW)}" height="${round(h)}" fill="${MARK}"/>`;
      })
      .join('');
    const total = values.reduce((a, b) => a + b, 0);
    return [
      label(PAD, top + 15, `${line.label}: ${formatCount(total)} in all`, { bold: true }),
      ticks,
      bars,
      `<line x1="${gutter}" x2="${CHART_WIDTH - PAD}" y1="${base}" y2="${base}" stroke="${INK}"/>`,
    ].join('');
  });
  const axisY = lines.length * panel + 6;
  const picks = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])];
  const dates = picks
    .map((i) => {
      const p = points[i];
      if (!p) return '';
      // The first date starts at the axis and the last ends at the edge, so neither is cut off.
      const [x, anchor] =
        i === 0
          ? [gutter, 'start']
          : i === points.length - 1
            ? [CHART_WIDTH - PAD, 'end']
            : [round(gutter + i * slot + slot / 2), 'middle'];
      return `<text x="${x}" y="${axisY + 12}" font-size="12" fill="${MUTED}" text-anchor="${anchor}">${e(formatShortDay(p.start))}</text>`;
    })
    .join('');
  return svg(text, axisY + 16, panels.join('') + dates);
}

export interface IntervalItem {
  label: string;
  rate: number | null;
  low: number | null;
  high: number | null;
}

/**
 * Rates with their intervals, one row each: a dot at the rate on a line from the low end to
 * the high end, all on one scale from 0, so whether two intervals overlap is seen at a glance.
 * The numbers are written above each line; a row with no rate draws no mark.
 */
export function intervalChart(items: readonly IntervalItem[], text: ChartText): string {
  const drawn = items.filter((i) => i.rate !== null && Number.isFinite(i.rate));
  if (drawn.length === 0) return noData(text.title);
  const top = niceCeiling(Math.max(...drawn.map((i) => finite(i.high ?? i.rate ?? 0))));
  const inner = CHART_WIDTH - 2 * PAD;
  const x = (v: number | null) =>
    round(PAD + (Math.min(Math.max(finite(v ?? 0), 0), top) / top) * inner);
  const row = 46;
  const rows = items.map((item, i) => {
    const y = i * row + 14;
    const numbers =
      item.rate === null
        ? formatPercent(null)
        : `${formatPercent(item.rate)} (${formatPercent(item.low)} to ${formatPercent(item.high)})`;
    const marks =
      item.rate === null
        ? ''
        : `<line x1="${x(item.low ?? item.rate)}" x2="${x(item.high ?? item.rate)}" y1="${y + 14}" y2="${y + 14}" stroke="${MARK}" stroke-width="3"/><circle cx="${x(item.rate)}" cy="${y + 14}" r="5" fill="${MARK}"/>`;
    return `${label(PAD, y, shorten(item.label, numbers))}${label(CHART_WIDTH - PAD, y, numbers, { end: true, bold: true })}<line x1="${PAD}" x2="${CHART_WIDTH - PAD}" y1="${y + 14}" y2="${y + 14}" stroke="${TRACK}"/>${marks}`;
  });
  const axis = items.length * row + 4;
  const ticks = `${label(PAD, axis, formatPercent(0), { muted: true, size: 12 })}${label(CHART_WIDTH - PAD, axis, formatPercent(top), { end: true, muted: true, size: 12 })}`;
  return svg(text, axis + 6, rows.join('') + ticks);
}
