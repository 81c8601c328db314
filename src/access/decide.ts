import {
  type EntitlementDeps,
  type EntitlementResult,
  resolveAccountEntitlement,
  resolveEntitlement,
} from '../entitlements/resolve';
import type { AccountsConfig } from '../identity/config';
import { sessionPolicy } from '../identity/session';
import { articleHasher, configFingerprint, pendingRead } from '../meter/carried';
import { readCarried } from '../meter/carried-meter';
import type { MeterConfig } from '../meter/config';
import type { Meter, MeterResult } from '../meter/meter';
import { type Reader, resolveReader, withoutAccount } from '../reader/reader';
import type { ReaderIdSigner } from '../reader/reader-id';
import type { AccessRule } from '../rules/config';
import { type ArticleRef, classifyArticle } from '../rules/rules';
import { asPeek, type Decision, type DecisionInput, decideAccess } from './policy';
import { type ShadowConfig, shadowWalls } from './shadow';

/**
 * What the decision uses, and nothing more (docs/architecture.md convention 7): the services
 * (src/services.ts) have all of it, a test can hand in just this.
 */
export interface DecideDeps {
  readers: ReaderIdSigner;
  meter: Pick<Meter, 'read'>;
  /** The key ring and the subscriber store, built on first use. */
  entitlements(): Promise<EntitlementDeps>;
  config: {
    rules: readonly AccessRule[];
    onMeterFailure: DecisionInput['onMeterFailure'];
    meter: MeterConfig;
    accounts: Pick<AccountsConfig, 'sessionDays' | 'registration'>;
    /** Candidate limit and rules judged beside the live ones (src/access/shadow.ts). */
    shadow?: ShadowConfig | null;
  };
}

export interface DecideInput {
  article: ArticleRef;
  /** As the access API's `reader` names them. */
  reader: {
    /** The signed reader id (`__Host-paywall_rid`), as the answer's `reader.id` hands it out. */
    id?: string | undefined;
    /** The entitlement JWT (`__Host-paywall_ent`): `token` means this and nothing else. */
    token?: string | undefined;
    /** The site's own signed-in user id. */
    userId?: string | undefined;
    /** The sealed account cookie (`__Host-paywall_acct`), when this device is signed in. */
    account?: string | undefined;
  };
  consume: boolean;
  /** A search crawler verified by IP range or Cloudflare's verified-bot signal. */
  verifiedCrawler: boolean;
}

export interface DecideOutput {
  decision: Decision;
  reader: Reader;
  entitlement: EntitlementResult;
  /** Whether the shadow configuration would have walled this counted view; else undefined. */
  shadowWalled?: boolean | undefined;
}

/**
 * The whole decision, shared by the access API and the proxy, in the order
 * docs/architecture.md names: reader → entitlement → rules → meter → decision. A valid
 * entitlement token is checked locally, so a subscriber costs no Redis command; free and
 * premium articles and verified crawlers never reach the meter either.
 */
export async function decide(
  deps: DecideDeps,
  input: DecideInput,
  now: Date,
): Promise<DecideOutput> {
  let reader = await resolveReader(
    input.reader,
    deps.readers,
    sessionPolicy(deps.config.accounts.sessionDays, now),
  );
  let entitlement: EntitlementResult =
    input.reader.token !== undefined || reader.userKey !== undefined
      ? await resolveEntitlement(
          { token: input.reader.token, userKey: reader.userKey },
          await deps.entitlements(),
          now,
        )
      : { kind: 'none' };
  const articleAccess = classifyArticle(input.article, deps.config.rules);
  const needsMeter =
    !('entitlement' in entitlement) && !input.verifiedCrawler && articleAccess === 'metered';
  const readMeter = (r: Reader) =>
    deps.meter.read(r.subject, input.article.id, {
      consume: input.consume,
      now,
      limit: meterLimit(deps.config, r),
      // A browser's first read still carried in its id is recorded on every path to Redis
      // (a device signed out, the state switched off): src/meter/carried.ts.
      pending: r.subject.startsWith('r:') ? pendingRead(r.carried, now) : undefined,
      // Counted under the account only while its session lives (checked in the same script).
      session:
        r.subject.startsWith('a:') && r.accountKey && r.accountSession
          ? { sessionId: r.accountSession, accountKey: r.accountKey }
          : undefined,
    });
  let read = !needsMeter
    ? null
    : carriesMeter(deps.config, reader)
      ? await readCarriedMeter(deps, reader, input, now).then((carried) => {
          reader = carried.reader;
          return carried.result;
        })
      : await readMeter(reader);
  if (read && !read.ok && read.failure === 'signed_out') {
    // A second round trip, only for a device whose sign-in has ended: it is this browser again.
    reader = withoutAccount(reader);
    read = await readMeter(reader);
  }
  const meter: MeterResult | null =
    read && !read.ok && read.failure === 'signed_out'
      ? { ok: false, failure: 'unavailable' }
      : read;
  const policy = (entitled: boolean) =>
    decideAccess({
      entitled,
      verifiedCrawler: input.verifiedCrawler,
      articleAccess,
      meter,
      onMeterFailure: deps.config.onMeterFailure,
    });
  let verdict = policy('entitlement' in entitlement);
  // A signed-in account is looked up only when the reader would be walled: the account's
  // support may have been bought on another device. Readers who are let in cost nothing more.
  if (verdict.access === 'denied' && reader.accountKey && !('entitlement' in entitlement)) {
    const linked = await resolveAccountEntitlement(
      { accountKey: reader.accountKey, sessionId: reader.accountSession },
      await deps.entitlements(),
      now,
    );
    if ('entitlement' in linked) {
      entitlement = linked;
      verdict = policy(true);
    }
  }
  // Nothing was counted, so nothing is granted: whoever asked not to count (a prefetch, a
  // HEAD) gets a peek, subscribers and free articles included, so there is no exception to
  // remember.
  const decision = input.consume ? verdict : asPeek(verdict);
  const shadow = deps.config.shadow;
  const shadowWalled =
    shadow && input.consume
      ? shadowWalls({
          shadow,
          liveRules: deps.config.rules,
          liveLimit: meterLimit(deps.config, reader),
          configuredLimit: deps.config.meter.limit,
          article: input.article,
          entitled: 'entitlement' in entitlement,
          verifiedCrawler: input.verifiedCrawler,
          meter,
          onMeterFailure: deps.config.onMeterFailure,
        })
      : undefined;
  return { decision, reader, entitlement, shadowWalled };
}

/**
 * An anonymous browser's meter travels in its signed reader id (src/meter/carried-meter.ts)
 * when the configuration allows it: calendar month only (a rolling window would need every
 * read's time). Signed-in readers are metered in Redis from the first read, across devices.
 */
function carriesMeter(config: DecideDeps['config'], reader: Reader): boolean {
  return (
    config.meter.cookieState &&
    config.meter.window.kind === 'calendar-month' &&
    reader.subject.startsWith('r:')
  );
}

async function readCarriedMeter(deps: DecideDeps, reader: Reader, input: DecideInput, now: Date) {
  const { result, carried } = await readCarried(deps.meter, {
    subject: reader.subject,
    articleId: input.article.id,
    consume: input.consume,
    now,
    limit: deps.config.meter.limit,
    fresh: reader.issued,
    carried: reader.carried,
    fingerprint: await fingerprintOf(deps.config),
    hashArticle: articleHasher(deps.readers.derive),
    grantsFromRedisOnly: deps.config.onMeterFailure === 'closed',
  });
  if (carried === undefined || carried === reader.carried) return { result, reader };
  const id = await deps.readers.carrying(reader.rawId, carried);
  return { result, reader: { ...reader, id, carried } };
}

const fingerprints = new WeakMap<object, Promise<string>>();
/** What cached answers depend on: the meter and the rules (computed once per configuration). */
function fingerprintOf(config: DecideDeps['config']): Promise<string> {
  let fingerprint = fingerprints.get(config);
  if (!fingerprint) {
    fingerprint = configFingerprint({ meter: config.meter, rules: config.rules });
    fingerprints.set(config, fingerprint);
  }
  return fingerprint;
}

/**
 * A registered reader (signed in with an account, the registration wall on) reads
 * `extraArticles` more than the anonymous limit; a site's own signed-in user keeps the limit.
 */
function meterLimit(config: DecideDeps['config'], reader: Reader): number {
  const { meter, accounts } = config;
  const registered = reader.accountKey !== undefined && reader.userKey === undefined;
  return registered && accounts.registration.enabled
    ? meter.limit + accounts.registration.extraArticles
    : meter.limit;
}
