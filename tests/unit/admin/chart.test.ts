import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  formatCompact,
  formatCount,
  formatDay,
  formatMoney,
  formatPercent,
  ratio,
} from '../../../src/admin/chart-format';
import { dataTable } from '../../../src/admin/chart-table';
import {
  barChart,
  CHART_WIDTH,
  funnelChart,
  intervalChart,
  NO_DATA,
  niceCeiling,
  seriesChart,
  shorten,
} from '../../../src/admin/charts';
import { type Attrs, attrsOf, tags } from '../support/forms';

const text = { id: 'c', title: 'A chart', desc: 'Its numbers' };
const rects = (svg: string) =>
  tags(svg, 'rect').map((attrs: Attrs) => ({
    attrs,
    fill: attrs.fill,
    height: attrs.height,
    x: attrs.x,
    w: Number(attrs.width),
  }));
/** The bars drawn over the light track (the track is the first rect of each row). */
const marks = (svg: string) => rects(svg).filter((r) => r.fill === '#0b5394');
const textsOf = (svg: string) =>
  [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');
const BROKEN = /NaN|Infinity|undefined|null/;

/** Every chart's frame: an image named by its title, described by its desc, that scales. */
function expectAccessibleSvg(svg: string, id = 'c'): void {
  const [open] = tags(svg, 'svg');
  expect(open?.role).toBe('img');
  expect(open?.['aria-labelledby']).toBe(`${id}-title`);
  expect(open?.['aria-describedby']).toBe(`${id}-desc`);
  expect(svg).toContain(`<title id="${id}-title">`);
  expect(svg).toContain(`<desc id="${id}-desc">`);
  expect(open?.viewBox).toMatch(new RegExp(`^0 0 ${CHART_WIDTH} \\d+(\\.\\d+)?$`));
  // No width or height of its own: CSS makes it 100% wide, so it fits 320 px.
  expect(open?.width).toBeUndefined();
  expect(open?.height).toBeUndefined();
}

describe('funnelChart', () => {
  it('gives a step that is not a subset of the one before its share of the step it names', () => {
    const svg = funnelChart(
      [
        { label: 'Views', count: 1000 },
        { label: 'Walled views', count: 100 },
        { label: 'Prompts shown', count: 900, of: 0 },
      ],
      text,
    );
    expect(textsOf(svg)).toContain('90.0% of views');
    expect(svg).not.toContain('900.0%');
  });

  const steps = [
    { label: 'Views', count: 1000 },
    { label: 'Walled views', count: 500 },
    { label: 'Paid', count: 0 },
  ];

  it('draws bars scaled to the largest step, with counts and the share of the step before', () => {
    const svg = funnelChart(steps, text);
    expectAccessibleSvg(svg);
    const bars = marks(svg);
    // The zero step draws only its track; the others are in proportion (352 units wide at most).
    expect(bars.map((b) => b.w)).toEqual([CHART_WIDTH - 8, (CHART_WIDTH - 8) / 2]);
    expect(textsOf(svg)).toEqual([
      'Views',
      '1,000',
      'Walled views',
      '500',
      '50.0% of views',
      'Paid',
      '0',
      '0.0% of walled views',
    ]);
  });

  it('says "No data for this period" instead of drawing nothing', () => {
    const html = funnelChart([{ label: 'Views', count: 0 }], text);
    expect(html).not.toContain('<svg');
    expect(html).toContain(NO_DATA);
    expect(funnelChart([], text)).toContain(NO_DATA);
  });

  it('writes a dash, never NaN, for a share of a zero step', () => {
    const svg = funnelChart(
      [
        { label: 'Prompts', count: 0 },
        { label: 'Paid', count: 3 },
      ],
      text,
    );
    expect(textsOf(svg)).toContain('— of prompts');
    expect(svg).not.toMatch(BROKEN);
  });
});

describe('barChart', () => {
  it('labels every bar in text and escapes hostile labels', () => {
    const svg = barChart(
      [
        { label: '<script>alert(1)</script>', value: 30, display: '€30.00' },
        { label: 'yearly', value: 10, display: '€10.00' },
      ],
      text,
    );
    expectAccessibleSvg(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(textsOf(svg)).toContain('€10.00');
    const [a, b] = marks(svg);
    expect((a?.w ?? 0) / (b?.w ?? 1)).toBeCloseTo(3, 1);
  });

  it('shortens a long label so it ends before its value (the table has it whole)', () => {
    const long = 'an-offer-id-from-the-configuration-that-goes-on-and-on';
    const short = shorten(long, '€1,234.56');
    expect(short.endsWith('…')).toBe(true);
    // About 7.2 units a character: label, gap and value fit in the 312 inner units.
    expect((short.length + '€1,234.56'.length + 2) * 7.2).toBeLessThanOrEqual(CHART_WIDTH - 8);
    expect(shorten('monthly', '€1.00')).toBe('monthly');
    const svg = barChart([{ label: long, value: 1, display: '€1,234.56' }], text);
    expect(textsOf(svg)).toContain(short);
  });

  it('draws a negative value (a refund) as no bar rather than a negative width', () => {
    const svg = barChart(
      [
        { label: 'a', value: -50, display: '-€0.50' },
        { label: 'b', value: 10, display: '€0.10' },
      ],
      text,
    );
    expect(marks(svg)).toHaveLength(1);
    for (const r of rects(svg)) expect(r.w).toBeGreaterThanOrEqual(0);
  });

  it('gives a tiny non-zero value a visible bar', () => {
    const svg = barChart(
      [
        { label: 'a', value: 100_000, display: 'a' },
        { label: 'b', value: 1, display: 'b' },
      ],
      text,
    );
    expect(marks(svg)[1]?.w).toBe(2);
  });
});

describe('seriesChart', () => {
  const lines = [
    { key: 'views', label: 'Views' },
    { key: 'paid', label: 'Payments' },
  ] as const;
  const point = (start: string, views: number, paid: number) => ({ start, views, paid });

  it('draws one panel per line, each on its own scale, with date ticks', () => {
    const svg = seriesChart(
      [point('2026-11-01', 1000, 2), point('2026-11-02', 500, 1), point('2026-11-03', 800, 0)],
      lines,
      text,
    );
    expectAccessibleSvg(svg);
    const texts = textsOf(svg);
    expect(texts).toContain('Views: 2,300 in all');
    expect(texts).toContain('Payments: 3 in all');
    // Ticks at 0, half and a round top: 1,000 views, 2 payments.
    expect(texts).toEqual(expect.arrayContaining(['0', '500', '1K', '1', '2']));
    expect(texts).toEqual(expect.arrayContaining(['Nov 1', 'Nov 2', 'Nov 3']));
    // The tallest bar of each panel fills it (60 units): 1000 of 1000, 2 of 2.
    const heights = marks(svg).map((r) => Number(r.height));
    expect(heights.filter((h) => h === 60)).toHaveLength(2);
    expect(marks(svg)).toHaveLength(5);
  });

  it('with one point, draws it and one date', () => {
    const svg = seriesChart([point('2026-11-01', 3, 1)], lines, text);
    expect(marks(svg)).toHaveLength(2);
    expect(textsOf(svg).filter((t) => t === 'Nov 1')).toHaveLength(1);
    expect(svg).not.toMatch(BROKEN);
  });

  it('with nothing counted (or no points), says so instead', () => {
    expect(seriesChart([], lines, text)).toContain(NO_DATA);
    const zeros = seriesChart([point('2026-11-01', 0, 0), point('2026-11-02', 0, 0)], lines, text);
    expect(zeros).not.toContain('<svg');
    expect(zeros).toContain(NO_DATA);
  });

  it('keeps every bar inside the chart for a year of days', () => {
    const year = Array.from({ length: 366 }, (_, i) =>
      point(new Date(Date.UTC(2028, 0, 1 + i)).toISOString().slice(0, 10), i, i % 7),
    );
    const svg = seriesChart(year, lines, text);
    for (const r of marks(svg)) {
      expect(Number(r.x)).toBeGreaterThanOrEqual(0);
      expect(Number(r.x) + r.w).toBeLessThanOrEqual(CHART_WIDTH + 0.1);
    }
  });
});

describe('intervalChart', () => {
  it('puts every interval on one scale from 0, so overlap is visible', () => {
    const svg = intervalChart(
      [
        { label: 'control', rate: 0.01, low: 0.005, high: 0.02 },
        { label: 'bold', rate: 0.03, low: 0.025, high: 0.04 },
        { label: 'new', rate: null, low: null, high: null },
      ],
      text,
    );
    expectAccessibleSvg(svg);
    // One scale from 0 to 5% (the round number above the highest end) across the inner width.
    const x = (rate: number) => Math.round((4 + (rate / 0.05) * (CHART_WIDTH - 8)) * 10) / 10;
    const whiskers = tags(svg, 'line').filter((l) => l['stroke-width'] === '3');
    expect(whiskers.map((l) => [Number(l.x1), Number(l.x2)])).toEqual([
      [x(0.005), x(0.02)],
      [x(0.025), x(0.04)],
    ]);
    expect(tags(svg, 'circle').map((c) => Number(c.cx))).toEqual([x(0.01), x(0.03)]);
    // The two intervals do not overlap: the first ends left of where the second starts.
    expect(x(0.02)).toBeLessThan(x(0.025));
    expect(textsOf(svg)).toEqual(
      expect.arrayContaining(['1.0% (0.5% to 2.0%)', '3.0% (2.5% to 4.0%)', '—', '0.0%', '5.0%']),
    );
  });

  it('with no rate at all, says so', () => {
    const html = intervalChart([{ label: 'a', rate: null, low: null, high: null }], text);
    expect(html).not.toContain('<svg');
    expect(html).toContain(NO_DATA);
  });
});

describe('charts never draw a broken number', () => {
  const count = fc.oneof(fc.nat(), fc.constant(0), fc.constant(Number.NaN));
  test.prop(
    [fc.array(fc.record({ label: fc.string({ maxLength: 8 }), count }), { maxLength: 6 })],
    { seed: 15, numRuns: 200 },
  )('funnel and bars: finite attributes, widths within the chart', (steps) => {
    for (const svg of [
      funnelChart(steps, text),
      barChart(
        steps.map((s) => ({ label: s.label, value: s.count, display: 'x' })),
        text,
      ),
    ]) {
      for (const r of rects(svg)) {
        expect(Number.isFinite(r.w)).toBe(true);
        expect(r.w).toBeGreaterThanOrEqual(0);
        expect(r.w).toBeLessThanOrEqual(CHART_WIDTH);
      }
      expect(svg.replace(/<text\b[^>]*>[^<]*<\/text>/g, '')).not.toMatch(/NaN|Infinity/);
    }
  });

  test.prop([fc.array(fc.tuple(count, count), { minLength: 1, maxLength: 40 })], {
    seed: 15,
    numRuns: 200,
  })('series: finite coordinates', (values) => {
    const svg = seriesChart(
      values.map(([views, paid], i) => ({
        start: `2026-11-${String((i % 28) + 1).padStart(2, '0')}`,
        views,
        paid,
      })),
      [
        { key: 'views', label: 'Views' },
        { key: 'paid', label: 'Payments' },
      ],
      text,
    );
    expect(svg).not.toMatch(BROKEN);
  });
});

describe('niceCeiling', () => {
  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [12, 20],
    [1000, 1000],
    [1001, 2000],
    [0.3, 0.5],
    [Number.NaN, 1],
  ])('%s → %s', (n, top) => expect(niceCeiling(n)).toBeCloseTo(top, 10));
});

describe('formatting', () => {
  it('money from minor units, by the currency’s own decimals', () => {
    expect(formatMoney(123_450, 'eur')).toBe('€1,234.50');
    expect(formatMoney(4_250, 'usd')).toBe('$42.50');
    expect(formatMoney(500, 'jpy')).toBe('¥500');
    // Well-formed but unknown to Intl: its code, not a crash.
    expect(formatMoney(100, 'xyz')).toMatch(/^XYZ\s1\.00$/);
  });

  it('money in a malformed currency falls back instead of throwing', () => {
    expect(formatMoney(1_000, '<b>x</b>')).toBe('10.00 <B>X</B>');
    expect(formatMoney(Number.NaN, 'eur')).toBe('€0.00');
  });

  it('rates with one decimal, a dash for none', () => {
    expect(formatPercent(0.25)).toBe('25.0%');
    expect(formatPercent(1 / 3)).toBe('33.3%');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('—');
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(Number.NaN, 3)).toBeNull();
  });

  it('counts, ticks and days', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(Number.NaN)).toBe('0');
    expect(formatCompact(1_200_000)).toBe('1.2M');
    expect(formatDay('2026-11-01')).toBe('Nov 1, 2026');
    expect(formatDay('not a day')).toBe('not a day');
  });
});

describe('dataTable', () => {
  it('is a focusable, named scroll region around a captioned table, escaping every cell', () => {
    const html = dataTable({
      id: 't',
      caption: 'Caption <i>',
      head: ['Name', 'Count'],
      rows: [['<script>x</script>', '1']],
    });
    const region = attrsOf(html.slice(0, html.indexOf('>')));
    expect(region).toMatchObject({ role: 'region', tabindex: '0', 'aria-labelledby': 't-caption' });
    expect(html).toContain('<caption id="t-caption">Caption &lt;i&gt;</caption>');
    expect(html).toContain('<th scope="row">&lt;script&gt;x&lt;/script&gt;</th><td>1</td>');
    expect(html).not.toContain('<script');
  });
});
