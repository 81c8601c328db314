/**
 * Where the generator counts: per seeded day, label → count and the two walled-readers sets,
 * plus the running totals. Days outside the seeded range are not kept (a reader's reads
 * before the range still move the meter, but they are not the range's counts).
 */
export interface FunnelSums {
  views: number;
  walled: number;
  prompts: number;
  checkouts: number;
  paid: number;
}

export interface SeededDay {
  day: string;
  counts: Map<string, number>;
  /**
   * The day's funnel as the generator made it, counted beside the labels (not read from
   * them): what the report built from the labels must say.
   */
  funnel: FunnelSums;
  /** Hashes of the readers walled that day (HyperLogLog input), live and by the shadow. */
  walledReaders: { live: string[]; shadow: string[] };
}

export class Ledger {
  private readonly byDay = new Map<
    string,
    { counts: Map<string, number>; funnel: FunnelSums; live: Set<string>; shadow: Set<string> }
  >();

  constructor(days: readonly string[]) {
    for (const day of days) {
      const funnel = { views: 0, walled: 0, prompts: 0, checkouts: 0, paid: 0 };
      this.byDay.set(day, { counts: new Map(), funnel, live: new Set(), shadow: new Set() });
    }
  }

  has(day: string): boolean {
    return this.byDay.has(day);
  }

  add(day: string, label: string, n = 1): void {
    const counts = this.byDay.get(day)?.counts;
    if (counts) counts.set(label, (counts.get(label) ?? 0) + n);
  }

  step(day: string, step: keyof FunnelSums): void {
    const funnel = this.byDay.get(day)?.funnel;
    if (funnel) funnel[step] += 1;
  }

  walled(day: string, which: 'live' | 'shadow', readerHash: string): void {
    this.byDay.get(day)?.[which].add(readerHash);
  }

  days(): SeededDay[] {
    return [...this.byDay].map(([day, d]) => ({
      day,
      counts: d.counts,
      funnel: d.funnel,
      walledReaders: { live: [...d.live], shadow: [...d.shadow] },
    }));
  }
}
