import { importJWK, SignJWT } from 'jose';
import { ACCESS_HEADERS } from './api';
import type { RedisMonitor } from './monitor';
import { ACCESS_PATH } from './shared';

/**
 * The subscriber path: a reader whose request carries a valid entitlement token. The
 * tokens are signed here with the run's own signing key (the same one the worker is given),
 * exactly as the service mints them: `typ: entitlement+jwt`, EdDSA, the configured issuer and
 * audience, a 15-minute lifetime. The worker must decide them with zero Redis commands.
 */
export const ISSUER = 'urn:edge-paywall';
export const AUDIENCE = 'urn:edge-paywall:site';

export async function signSubscriberTokens(
  signingKeysJson: string,
  count: number,
): Promise<string[]> {
  const [key] = JSON.parse(signingKeysJson) as { kid: string }[];
  if (!key) throw new Error('no signing key');
  const privateKey = await importJWK(key as Parameters<typeof importJWK>[0], 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const sub = `sbr_${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')}`;
    tokens.push(
      await new SignJWT({
        ent: { kind: 'subscription', plan: 'monthly', status: 'active', until: now + 30 * 86_400 },
      })
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'entitlement+jwt' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 900)
        .setJti(crypto.randomUUID())
        .sign(privateKey),
    );
  }
  return tokens;
}

export function subscriberBodies(tokens: string[], articles: string[]): string[] {
  return tokens.flatMap((token) =>
    articles.map((article) =>
      JSON.stringify({ article: { id: article }, reader: { token }, consume: true }),
    ),
  );
}

export interface SubscriberWork {
  decisions: number;
  roundTrips: number;
  commands: number;
  reasons: string[];
}

/** Sends subscriber decisions while MONITOR watches; every Redis line they cause counts. */
export async function measureSubscriberWork(
  baseUrl: string,
  monitor: RedisMonitor,
  bodies: string[],
  decisions = 20,
): Promise<SubscriberWork> {
  const reasons: string[] = [];
  const lines = await monitor.measure(async () => {
    for (let i = 0; i < decisions; i++) {
      const res = await fetch(`${baseUrl}${ACCESS_PATH}`, {
        method: 'POST',
        headers: ACCESS_HEADERS,
        body: bodies[i % bodies.length],
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await res.json()) as { reason?: string };
      reasons.push(answer.reason ?? `HTTP ${res.status}`);
    }
  });
  return {
    decisions,
    roundTrips: lines.filter((l) => l.source !== 'lua').length,
    commands: lines.length,
    reasons: [...new Set(reasons)],
  };
}
