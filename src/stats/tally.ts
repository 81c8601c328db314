/**
 * Counts gathered in the isolate between two flushes (docs/architecture.md, "The publisher's
 * numbers"): plain numbers per day and label, plus the hashed readers of the two walled
 * counts. Nothing here does I/O; `take()` hands the whole batch over and starts a new one,
 * so a flush in flight never sees a count added after it began, and never loses one either.
 */
export interface Batch {
  /** day → label → count. */
  counts: Map<string, Map<string, number>>;
  /** `day|live` or `day|shadow` → reader hashes (HyperLogLog input, never a reader id). */
  readers: Map<string, Set<string>>;
  /** Events in the batch (each `add` is one, whatever its n). */
  events: number;
}

/** At most this many distinct reader hashes per day and kind in one batch. */
const MAX_READERS_PER_BATCH = 2_000;

export class Tally {
  private batch: Batch = emptyBatch();
  private startedAt: number | null = null;
  /** A reader set reached MAX_READERS_PER_BATCH: flush before it drops a reader. */
  private full = false;

  constructor(
    private readonly limits: { flushEvents: number; flushMs: number },
    private readonly clock: () => number = Date.now,
  ) {}

  add(day: string, label: string, n = 1): void {
    let labels = this.batch.counts.get(day);
    if (!labels) {
      labels = new Map();
      this.batch.counts.set(day, labels);
    }
    labels.set(label, (labels.get(label) ?? 0) + n);
    this.batch.events += 1;
    this.startedAt ??= this.clock();
  }

  addReader(day: string, which: 'live' | 'shadow', readerHash: string): void {
    const key = `${day}|${which}`;
    let set = this.batch.readers.get(key);
    if (!set) {
      set = new Set();
      this.batch.readers.set(key, set);
    }
    if (set.size < MAX_READERS_PER_BATCH) set.add(readerHash);
    if (set.size >= MAX_READERS_PER_BATCH) this.full = true;
  }

  /** Whether enough events or enough time have gathered for a flush. */
  due(): boolean {
    if (this.startedAt === null) return false;
    return (
      this.full ||
      this.batch.events >= this.limits.flushEvents ||
      this.clock() - this.startedAt >= this.limits.flushMs
    );
  }

  /** The batch so far (null when empty), and a new empty one in its place. */
  take(): Batch | null {
    if (this.startedAt === null) return null;
    const batch = this.batch;
    this.batch = emptyBatch();
    this.startedAt = null;
    this.full = false;
    return batch;
  }
}

function emptyBatch(): Batch {
  return { counts: new Map(), readers: new Map(), events: 0 };
}
