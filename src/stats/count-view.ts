import type { DecideOutput } from '../access/decide';
import { cyrb53 } from '../experiments/hash';
import type { Stats } from './stats';

/**
 * One counted article view: its outcome, whether it was walled (live, and by the shadow
 * configuration), under the reader's variant. A peek is not a view and is not counted. The
 * walled-readers logs get a one-way 53-bit hash of who the meter counts (a browser, an account
 * or a site's user), so one person walled on two pages is one reader; never the id itself.
 */
export function countView(
  stats: Stats,
  variant: string | undefined,
  out: Pick<DecideOutput, 'decision' | 'reader' | 'shadowWalled'>,
  now: Date,
): void {
  const { decision, reader } = out;
  if (decision.access === 'peek') return;
  const walled = decision.access === 'denied';
  stats.view(
    {
      outcome: decision.reason,
      variant,
      walled,
      shadowWalled: out.shadowWalled,
      // Only a walled view (live or shadow) needs it: the hash is not made for the others.
      readerHash:
        walled || out.shadowWalled ? cyrb53(`walled-reader|${reader.subject}`).toString(36) : '',
    },
    now,
  );
}
