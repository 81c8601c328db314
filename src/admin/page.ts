import { escapeHtml as e } from '../html/escape';
import type { StatsReport } from '../schemas/stats';
import { formatDay } from './chart-format';
import { FUNNEL_HEADING, funnelSection } from './section-funnel';
import { LIMITS_HEADING, limitsSection } from './section-limits';
import { type Period, periodForm } from './section-period';
import { REVENUE_HEADING, revenueSection } from './section-revenue';
import { seriesHeading, seriesSection } from './section-series';
import { WALL_HEADING, wallSection } from './section-wall';

/**
 * The publisher's dashboard (`/_paywall/admin`): one server-rendered page, pure from a
 * `StatsReport`, with the charts drawn as inline SVG (src/admin/charts.ts). No script, no
 * asset, nothing from another host; everything from the report is escaped, because offer and
 * variant ids and currencies come from configuration and Stripe metadata.
 *
 * Its own frame rather than src/html/page.ts: that one is a narrow message card with fixed
 * styles, and this page needs tables, charts and a CSP nonce. The look is the same (fonts,
 * blue, focus ring). The only styling is the one `<style>` element (no `style=` attributes,
 * no SVG `<style>`), so a policy of `style-src 'nonce-…'` or `'unsafe-inline'` both fit.
 *
 * Colours (WCAG 2.x): text #1f1f1f on #ffffff 16.48:1; muted #4d4d4d 8.45:1; links and
 * chart marks #0b5394 7.84:1 (marks need 3:1); table rules #767676 4.54:1.
 */

export interface DashboardContext {
  siteName?: string;
  /** What was asked (the form shows it back); the report says what was counted. */
  period: Period;
  /** The shadow rules in words ("A limit of 5 free articles"), from the configuration. */
  shadowDescription?: string;
  /** The CSP nonce for the page's `<style>`, when the route's policy uses one. */
  nonce?: string;
}

const DASHBOARD_CSS = [
  'body{margin:0;font:16px/1.5 Georgia,serif;color:#1f1f1f;background:#fafaf7}',
  'main{max-width:46rem;margin:0 auto;padding:1rem clamp(12px,4vw,2rem) 3rem;background:#fff;border-top:4px solid #0b5394}',
  'h1{font-size:1.6rem;line-height:1.2;margin:.5rem 0}',
  'h2{font-size:1.3rem;line-height:1.25;margin:2.5rem 0 .75rem;padding-top:1rem;border-top:1px solid #d6d3cb}',
  'h3{font-size:1.1rem;margin:1.5rem 0 .5rem}',
  'a{color:#0b5394}',
  'nav ul{margin:.5rem 0;padding-left:1.25rem}',
  '.pw-period{display:flex;flex-wrap:wrap;gap:.75rem 1rem;align-items:flex-end;margin:1rem 0;padding:.75rem;background:#e8eef5}',
  '.pw-period label{display:block;font-weight:700}',
  '.pw-period input,.pw-period select{min-height:44px;font:inherit;color:#1f1f1f;background:#fff;border:1px solid #767676;border-radius:4px;padding:0 .5rem;max-width:100%}',
  '.pw-period button{min-height:44px;font:inherit;font-weight:700;color:#fff;background:#0b5394;border:0;border-radius:4px;padding:0 1.25rem;cursor:pointer}',
  ':focus-visible{outline:3px solid #1f1f1f;outline-offset:2px}',
  '.pw-chart{display:block;width:100%;max-width:28rem;height:auto;margin:1rem 0}',
  '.pw-empty{padding:.75rem;background:#f3f3f0}',
  '.pw-scroll{max-width:100%;overflow-x:auto;margin:1rem 0}',
  'table{border-collapse:collapse;font-size:.9rem}',
  // A caption is as wide as its table; held to the screen's width (and in view while the table
  // scrolls), a long one wraps on a phone instead of running off under the scroll.
  'caption{position:sticky;left:0;max-width:calc(100vw - 2.5rem);text-align:left;font-weight:700;padding:.25rem 0}',
  'th,td{padding:.3rem .5rem;border-bottom:1px solid #767676;white-space:nowrap}',
  'thead th{text-align:right;vertical-align:bottom}',
  'thead th:first-child,th[scope=row]{text-align:left}',
  'td{text-align:right;font-variant-numeric:tabular-nums}',
  'details{margin:1rem 0}',
  'summary{cursor:pointer;color:#0b5394;text-decoration:underline;min-height:44px;display:list-item}',
  '.pw-verdict{font-weight:700}',
].join('');

export function renderDashboard(report: StatsReport, ctx: DashboardContext): string {
  const site = ctx.siteName?.trim() ?? '';
  const title = site ? `${site}: reader revenue` : 'Reader revenue';
  const nonce = ctx.nonce === undefined ? '' : ` nonce="${e(ctx.nonce)}"`;
  const range = `${formatDay(report.from)} to ${formatDay(report.to)}`;
  const questions = [
    ['q-wall', WALL_HEADING],
    ['q-paid', FUNNEL_HEADING],
    ['q-series', seriesHeading(report.granularity)],
    ['q-earn', REVENUE_HEADING],
    ['q-limit', LIMITS_HEADING],
  ]
    .map(([id, text]) => `<li><a href="#${id}">${e(text ?? '')}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(title)}</title>
<style${nonce}>${DASHBOARD_CSS}</style>
</head>
<body>
<main>
<h1>${e(title)}</h1>
<p>From ${e(range)} (UTC), counted by the paywall worker.</p>
${periodForm(ctx.period)}
<nav aria-label="Questions"><ul>${questions}</ul></nav>
${wallSection(report)}
${funnelSection(report)}
${seriesSection(report)}
${revenueSection(report)}
${limitsSection(report, ctx.shadowDescription)}
</main>
</body>
</html>
`;
}
