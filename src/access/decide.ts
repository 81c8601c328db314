import { type EntitlementResult, resolveEntitlement } from '../entitlements/resolve';
import { type Reader, resolveReader } from '../reader/reader';
import { type ArticleRef, classifyArticle } from '../rules/rules';
import type { Services } from '../services';
import { asPeek, type Decision, decideAccess } from './policy';

export interface DecideInput {
  article: ArticleRef;
  reader: { id?: string | undefined; token?: string | undefined; userId?: string | undefined };
  consume: boolean;
  /** A search crawler verified by IP range or Cloudflare's verified-bot signal. */
  verifiedCrawler: boolean;
}

export interface DecideOutput {
  decision: Decision;
  reader: Reader;
  entitlement: EntitlementResult;
}

/**
 * The whole decision, shared by the access API and the proxy, in the order DESIGN.md names:
 * reader → entitlement → rules → meter → decision. A valid entitlement token is checked
 * locally, so a subscriber costs no Redis command; free and premium articles and verified
 * crawlers never reach the meter either.
 */
export async function decide(
  services: Services,
  input: DecideInput,
  now: Date,
): Promise<DecideOutput> {
  const reader = await resolveReader(input.reader, services.readers);
  const entitlement: EntitlementResult =
    input.reader.token !== undefined || reader.userKey !== undefined
      ? await resolveEntitlement(
          { token: input.reader.token, userKey: reader.userKey },
          await services.entitlements(),
          now,
        )
      : { kind: 'none' };
  const entitled = 'entitlement' in entitlement;
  const articleAccess = classifyArticle(input.article, services.config.rules);
  const needsMeter = !entitled && !input.verifiedCrawler && articleAccess === 'metered';
  const meter = needsMeter
    ? await services.meter.read(reader.subject, input.article.id, { consume: input.consume, now })
    : null;
  const verdict = decideAccess({
    entitled,
    verifiedCrawler: input.verifiedCrawler,
    articleAccess,
    meter,
    onMeterFailure: services.config.onMeterFailure,
  });
  // Nothing was counted, so nothing is granted: whoever asked not to count (a prefetch, a
  // HEAD) gets a peek, subscribers and free articles included, so there is no exception to
  // remember.
  const decision = input.consume ? verdict : asPeek(verdict);
  return { decision, reader, entitlement };
}
