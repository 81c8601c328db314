/**
 * The soak's figures: requests by kind (and their 5xx inside and outside the injected fault
 * windows), meter and entitlement mismatches against the reference model, and the worker's
 * memory. `judge` names every goal missed.
 */

export interface KindStats {
  requests: number;
  fiveXxInFault: number;
  fiveXxOutside: number;
  /** Network errors (no answer at all), inside and outside fault windows. */
  errorsInFault: number;
  errorsOutside: number;
  /** Answers of a status the soak did not expect (not 2xx/3xx as the route gives, not 5xx). */
  unexpected: number;
}

export class Stats {
  readonly kinds = new Map<string, KindStats>();
  readonly notes: string[] = [];

  kind(name: string): KindStats {
    let k = this.kinds.get(name);
    if (!k) {
      k = {
        requests: 0,
        fiveXxInFault: 0,
        fiveXxOutside: 0,
        errorsInFault: 0,
        errorsOutside: 0,
        unexpected: 0,
      };
      this.kinds.set(name, k);
    }
    return k;
  }

  /** Keeps the first few unexpected answers, for the report. */
  note(line: string): void {
    if (this.notes.length < 20) this.notes.push(line);
  }
}

export interface MemoryFigures {
  samples: number[];
  /** Mean RSS (MB) of the second quarter and of the last quarter of the samples. */
  secondQuarterMb: number;
  lastQuarterMb: number;
  firstHalfMb: number;
  lastHalfMb: number;
  growthPercent: number;
}

/**
 * growth = (mean of the last quarter − mean of the second quarter) / mean of the second
 * quarter. The first quarter is warm-up (isolate start, JIT, caches filling) and left out.
 */
export function memoryFigures(samplesKb: number[]): MemoryFigures {
  const mb = samplesKb.map((kb) => kb / 1024);
  const q = Math.floor(mb.length / 4);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const secondQuarterMb = mean(mb.slice(q, 2 * q));
  const lastQuarterMb = mean(mb.slice(mb.length - q));
  const half = Math.floor(mb.length / 2);
  return {
    samples: mb,
    secondQuarterMb,
    lastQuarterMb,
    firstHalfMb: mean(mb.slice(0, half)),
    lastHalfMb: mean(mb.slice(half)),
    growthPercent: ((lastQuarterMb - secondQuarterMb) / secondQuarterMb) * 100,
  };
}

export interface Outcome {
  seconds: number;
  seed: number;
  faultWindows: number;
  faultSeconds: number;
  readers: number;
  reads: number;
  degradedInFault: number;
  degradedOutside: number;
  /** Checkouts that came back without the entitlement cookie, in / outside fault windows. */
  tokenMissingInFault: number;
  tokenMissing: number;
  decisionMismatches: number;
  meterLost: number;
  meterExtra: number;
  readersMismatched: number;
  subscriptions: number;
  cancelled: number;
  webhookDeliveries: number;
  webhookRedelivered: number;
  entitlementLost: number;
  entitlementWrong: number;
  accessChecks: number;
  /** The worker's RSS, 1/s (printed: it holds workerd's native memory too). */
  memory: MemoryFigures;
  /** The worker's JS heap after a full GC, 1 per 5 s (judged). */
  heap: MemoryFigures;
}

export const MEMORY_GROWTH_LIMIT_PERCENT = 10;
/**
 * Memory is judged twice. The worker's JS heap after a full GC (what the worker's code
 * keeps) from 8 samples (40 s) on. The workerd process's RSS from 180 s of load on: before
 * that it is still climbing from ~100 MB to a plateau (~300 MB here) as workerd's allocator
 * warms up, over the first ~15,000 requests, while the heap after GC is already flat.
 */
export const HEAP_SAMPLES_JUDGED_FROM = 8;
export const RSS_JUDGED_FROM_SECONDS = 180;
const rssJudged = (o: Outcome) => o.seconds >= RSS_JUDGED_FROM_SECONDS;

export function judge(stats: Stats, o: Outcome): string[] {
  const missed: string[] = [];
  let outside = 0;
  let unexpected = 0;
  for (const k of stats.kinds.values()) {
    outside += k.fiveXxOutside + k.errorsOutside;
    unexpected += k.unexpected;
  }
  if (o.meterLost + o.meterExtra > 0)
    missed.push(`meter: ${o.meterLost} counts lost, ${o.meterExtra} extra`);
  // The model does not count a degraded read, so one outside a fault window would pass it.
  if (o.degradedOutside > 0)
    missed.push(`meter: ${o.degradedOutside} reads degraded outside the fault windows`);
  if (o.tokenMissing > 0)
    missed.push(
      `checkout: ${o.tokenMissing} payers came back without the entitlement cookie outside the fault windows`,
    );
  if (o.decisionMismatches > 0)
    missed.push(`meter: ${o.decisionMismatches} decisions differ from the model`);
  if (o.entitlementLost + o.entitlementWrong > 0)
    missed.push(`entitlements: ${o.entitlementLost} lost, ${o.entitlementWrong} wrongly granted`);
  if (outside > 0) missed.push(`${outside} 5xx (or no answer) outside the fault windows`);
  if (unexpected > 0) missed.push(`${unexpected} answers of an unexpected status`);
  if (rssJudged(o) && !(o.memory.growthPercent <= MEMORY_GROWTH_LIMIT_PERCENT))
    missed.push(
      `the worker's RSS grew ${o.memory.growthPercent.toFixed(1)}% (limit ${MEMORY_GROWTH_LIMIT_PERCENT}%)`,
    );
  if (o.heap.samples.length < HEAP_SAMPLES_JUDGED_FROM)
    missed.push(`only ${o.heap.samples.length} heap samples (need ${HEAP_SAMPLES_JUDGED_FROM})`);
  else if (!(o.heap.growthPercent <= MEMORY_GROWTH_LIMIT_PERCENT))
    missed.push(
      `the worker's heap grew ${o.heap.growthPercent.toFixed(1)}% (limit ${MEMORY_GROWTH_LIMIT_PERCENT}%)`,
    );
  if (o.faultWindows === 0) missed.push('no fault window was injected');
  return missed;
}

const pad = (v: string | number, n: number) => String(v).padStart(n);

export function print(stats: Stats, o: Outcome, missed: string[]): string {
  const lines: string[] = [];
  lines.push(
    `soak: ${o.seconds} s, seed ${o.seed}, ${o.faultWindows} Redis fault windows (${o.faultSeconds.toFixed(1)} s in all)`,
  );
  lines.push('');
  lines.push(
    `${'requests by kind'.padEnd(22)}${pad('count', 8)}${pad('5xx in fault', 14)}${pad('5xx outside', 13)}${pad('no answer in/out', 18)}${pad('unexpected', 12)}`,
  );
  const total = { requests: 0, a: 0, b: 0, c: 0, d: 0, e: 0 };
  for (const [name, k] of [...stats.kinds].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(
      `${name.padEnd(22)}${pad(k.requests, 8)}${pad(k.fiveXxInFault, 14)}${pad(k.fiveXxOutside, 13)}${pad(`${k.errorsInFault}/${k.errorsOutside}`, 18)}${pad(k.unexpected, 12)}`,
    );
    total.requests += k.requests;
    total.a += k.fiveXxInFault;
    total.b += k.fiveXxOutside;
    total.c += k.errorsInFault;
    total.d += k.errorsOutside;
    total.e += k.unexpected;
  }
  lines.push(
    `${'total'.padEnd(22)}${pad(total.requests, 8)}${pad(total.a, 14)}${pad(total.b, 13)}${pad(`${total.c}/${total.d}`, 18)}${pad(total.e, 12)}`,
  );
  lines.push('');
  const row = (label: string, value: string | number) => lines.push(`${label.padEnd(46)}${value}`);
  row('readers / reads', `${o.readers} / ${o.reads}`);
  row('reads degraded in / outside fault windows', `${o.degradedInFault} / ${o.degradedOutside}`);
  row('meter decisions differing from the model', o.decisionMismatches);
  row('checkouts back with no cookie in / outside', `${o.tokenMissingInFault} / ${o.tokenMissing}`);
  row('meter counts lost / extra (final peeks)', `${o.meterLost} / ${o.meterExtra}`);
  row('readers whose final count differs', o.readersMismatched);
  row('subscriptions paid / cancelled', `${o.subscriptions} / ${o.cancelled}`);
  row(
    'webhook deliveries / redelivered after 5xx',
    `${o.webhookDeliveries} / ${o.webhookRedelivered}`,
  );
  row('entitlements lost / wrongly granted', `${o.entitlementLost} / ${o.entitlementWrong}`);
  row('entitlement checks via the access API', o.accessChecks);
  const m = o.memory;
  row('worker RSS samples (1/s)', m.samples.length);
  row(
    'RSS mean first half / last half (MB)',
    `${m.firstHalfMb.toFixed(1)} / ${m.lastHalfMb.toFixed(1)}`,
  );
  row(
    'RSS mean 2nd quarter / last quarter (MB)',
    `${m.secondQuarterMb.toFixed(1)} / ${m.lastQuarterMb.toFixed(1)}`,
  );
  row(
    'RSS growth (last q. vs 2nd q.)',
    `${m.growthPercent.toFixed(1)}% (${rssJudged(o) ? `goal <= ${MEMORY_GROWTH_LIMIT_PERCENT}%` : `judged from ${RSS_JUDGED_FROM_SECONDS} s of load`})`,
  );
  const step = Math.max(1, Math.ceil(m.samples.length / 12));
  row(
    `RSS every ${step} s (MB)`,
    m.samples
      .filter((_, i) => i % step === 0)
      .map((v) => v.toFixed(0))
      .join(' '),
  );
  const h = o.heap;
  row('worker JS heap after GC, samples (1/5 s)', h.samples.length);
  row(
    'heap mean first half / last half (MB)',
    `${h.firstHalfMb.toFixed(2)} / ${h.lastHalfMb.toFixed(2)}`,
  );
  row(
    'heap mean 2nd quarter / last quarter (MB)',
    `${h.secondQuarterMb.toFixed(2)} / ${h.lastQuarterMb.toFixed(2)}`,
  );
  row(
    'heap growth (last q. vs 2nd q.)',
    `${h.growthPercent.toFixed(1)}% (goal <= ${MEMORY_GROWTH_LIMIT_PERCENT}%)`,
  );
  const hstep = Math.max(1, Math.ceil(h.samples.length / 12));
  row(
    `heap every ${hstep * 5} s (MB)`,
    h.samples
      .filter((_, i) => i % hstep === 0)
      .map((v) => v.toFixed(1))
      .join(' '),
  );
  lines.push('');
  if (stats.notes.length) {
    lines.push('first unexpected answers:');
    for (const n of stats.notes) lines.push(`  ${n}`);
    lines.push('');
  }
  lines.push(missed.length === 0 ? 'PASS: every goal met' : `FAIL: ${missed.join('; ')}`);
  return lines.join('\n');
}
