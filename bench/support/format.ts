/** Small helpers for printing bench results as aligned plain-text tables. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Columns are left-aligned; cells that look numeric are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^[-+]?[\d.,]+[×%]?$/;
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return numeric.test(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}

export function fixed(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** A promise a bench checks: what was promised, what was measured, and whether it held. */
export interface Goal {
  name: string;
  value: string;
  pass: boolean;
}

/** The goals every bench ends with: what was promised, what was measured, PASS or FAIL. */
export function goalsTable(goals: Goal[]): string {
  return table(
    ['goal', 'measured', 'verdict'],
    goals.map((g) => [g.name, g.value, verdict(g.pass)]),
  );
}

/** Answers by label with their shares, e.g. `metered 120 (60.0%), already_read 80 (40.0%)`. */
export function tallyMix(tally: Record<string, number>): string {
  const total = Object.values(tally).reduce((a, b) => a + b, 0);
  return (
    Object.entries(tally)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n} (${fixed((100 * n) / total, 1)}%)`)
      .join(', ') || 'none'
  );
}
