import { CookieJar } from '../../tests/support/cookie-jar';
import { postAccess } from '../access/api';
import type { ReaderPlan } from './mix';

/**
 * Replays the month's readers through one channel of a running worker, each reader's views
 * in order, `concurrency` readers at a time (how readers interleave changes no count: each
 * reader's state is their own). A reader is what the service sees of a browser:
 *   proxy   GET the article page through the worker, with a cookie jar that sends back what
 *           Set-Cookie gave (`__Host-paywall_rid` included), as a browser would on https;
 *   access  POST /_paywall/v1/access with the site key, sending back the `reader.id` of the
 *           previous answer, as edge-paywall/client does through its own cookie.
 * Every answer is compared with the Redis-only reference meter the plan was made with.
 */
export type Channel = 'proxy' | 'access';
export const CHANNELS: Channel[] = ['proxy', 'access'];

export interface ReplayOutcome {
  readers: number;
  views: number;
  /** Answers by reason (`metered`, `already_read`, `meter_exhausted`, `degraded`, `HTTP 502`…). */
  reasons: Record<string, number>;
  /** Views that did not get a readable 200 with a decision. */
  failures: number;
  /** Views whose reason differs from the Redis-only meter's. */
  differentFromModel: number;
  /** Readers granted more views than a Redis-only meter grants them (the guard: must be 0). */
  grantedMore: number;
  /** Readers granted fewer (walled early). */
  grantedFewer: number;
  /** The most distinct articles any one reader was granted (≤ the limit). */
  maxDistinctGranted: number;
  seconds: number;
}

type Answer = { granted: boolean; reason: string };
type Viewer = { view(article: string): Promise<Answer> };

export async function replay(
  channel: Channel,
  baseUrl: string,
  plans: ReaderPlan[],
  concurrency: number,
): Promise<ReplayOutcome> {
  const started = performance.now();
  const outcome: ReplayOutcome = {
    readers: plans.length,
    views: 0,
    reasons: {},
    failures: 0,
    differentFromModel: 0,
    grantedMore: 0,
    grantedFewer: 0,
    maxDistinctGranted: 0,
    seconds: 0,
  };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < plans.length; i = next++) {
      const plan = plans[i] as ReaderPlan;
      const viewer = channel === 'proxy' ? proxyReader(baseUrl) : accessReader(baseUrl);
      let granted = 0;
      let grantedByModel = 0;
      const distinct = new Set<string>();
      for (const { article, expected } of plan.views) {
        const answer = await viewer.view(article).catch(
          (error: unknown): Answer => ({
            granted: false,
            reason: `error: ${error instanceof Error ? error.message.slice(0, 60) : String(error)}`,
          }),
        );
        outcome.views++;
        outcome.reasons[answer.reason] = (outcome.reasons[answer.reason] ?? 0) + 1;
        if (!isReason(answer.reason)) outcome.failures++;
        if (answer.reason !== expected) outcome.differentFromModel++;
        if (expected !== 'meter_exhausted') grantedByModel++;
        if (answer.granted) {
          granted++;
          distinct.add(article);
        }
      }
      if (granted > grantedByModel) outcome.grantedMore++;
      if (granted < grantedByModel) outcome.grantedFewer++;
      outcome.maxDistinctGranted = Math.max(outcome.maxDistinctGranted, distinct.size);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  outcome.seconds = (performance.now() - started) / 1000;
  return outcome;
}

const isReason = (reason: string) => /^[a-z_]+$/.test(reason);

function proxyReader(baseUrl: string): Viewer {
  const jar = new CookieJar();
  return {
    async view(article) {
      const cookie = jar.header();
      const res = await fetch(`${baseUrl}/${article}`, {
        headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      jar.take(res);
      // `Paywall-Decision: granted; reason=metered`
      const decision = /^(\w+); reason=(\w+)$/.exec(res.headers.get('paywall-decision') ?? '');
      if (res.status !== 200 || !decision) return { granted: false, reason: `HTTP ${res.status}` };
      return { granted: decision[1] === 'granted', reason: decision[2] as string };
    },
  };
}

function accessReader(baseUrl: string): Viewer {
  let readerId: string | null = null;
  return {
    async view(article) {
      const answer = await postAccess(baseUrl, article, readerId);
      readerId = answer.reader.id;
      return { granted: answer.access === 'granted', reason: answer.reason };
    },
  };
}
