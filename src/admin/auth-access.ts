import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';

/**
 * Cloudflare Access in front of the dashboard. Access adds its application token to every
 * request it lets through as `Cf-Access-Jwt-Assertion`; Cloudflare's "Validate JWTs" page
 * says to check that header (not the `CF_Authorization` cookie, which is not always passed)
 * against the team's keys at `https://<team domain>/cdn-cgi/access/certs`, with the issuer
 * `https://<team domain>` and the application's AUD tag as audience. Without this check,
 * anyone reaching the worker another way (its workers.dev host, a route Access does not
 * cover) could send any header they like.
 */

export type AccessCheck = { ok: true } | { ok: false; failure: 'invalid' | 'unavailable' };

/** Access signs with RS256 (its certs are RSA keys with `"alg": "RS256"`); nothing else is let in. */
const ALGORITHMS = ['RS256'];
/** Access's and Cloudflare's clocks are good; this covers only a little skew. */
const CLOCK_TOLERANCE_SECONDS = 10;
/** An Access application token is about 1 KB; a longer header is refused before any parsing. */
const MAX_ACCESS_JWT_CHARS = 8192;
/** Our own limit on the key set's fetch (docs/architecture.md convention 15). */
const KEY_SET_TIMEOUT_MS = 2_000;

export async function verifyAccessJwt(
  token: string,
  access: { teamDomain: string; audience: string },
  keys: JWTVerifyGetKey,
  now: Date,
): Promise<AccessCheck> {
  if (token.length === 0 || token.length > MAX_ACCESS_JWT_CHARS) {
    return { ok: false, failure: 'invalid' };
  }
  // A key set that cannot be had is our failure, not the caller's: told apart from a token no
  // key matches (forged, another team's), so the answer is a 503 to retry, never access.
  let unavailable = false;
  const key: JWTVerifyGetKey = async (header, input) => {
    try {
      return await keys(header, input);
    } catch (error) {
      unavailable = !(
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      );
      throw error;
    }
  };
  try {
    await jwtVerify(token, key, {
      algorithms: ALGORITHMS,
      issuer: `https://${access.teamDomain}`,
      audience: access.audience,
      // Without `exp` a token would never expire; jose checks only the claims that are there.
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    });
    return { ok: true };
  } catch {
    return { ok: false, failure: unavailable ? 'unavailable' : 'invalid' };
  }
}

/**
 * The team's key set, one per team domain per isolate: jose keeps the keys (10 minutes) and
 * fetches again when a token names a key it has not seen (Access rotates every 6 weeks), at
 * most every 30 s, so made-up key ids cannot turn into a flood of fetches. `fetch` is for
 * tests; the worker uses the global one.
 */
export function createAccessKeySets(fetch?: FetchImplementation) {
  const sets = new Map<string, JWTVerifyGetKey>();
  return (teamDomain: string): JWTVerifyGetKey => {
    let set = sets.get(teamDomain);
    if (!set) {
      set = createRemoteJWKSet(new URL(`https://${teamDomain}/cdn-cgi/access/certs`), {
        timeoutDuration: KEY_SET_TIMEOUT_MS,
        ...(fetch ? { [customFetch]: fetch } : {}),
      });
      sets.set(teamDomain, set);
    }
    return set;
  };
}

/** The isolate's key sets. */
export const accessKeySet = createAccessKeySets();
