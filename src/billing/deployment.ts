/**
 * This deployment's tag on every Stripe object it creates (`metadata.paywall_deployment`), so
 * two deployments sharing one Stripe account never redeem or sync each other's sessions,
 * subscriptions and payments. Zod-free and Workers-free: src/env.ts (also run by `npm start`
 * in Node) derives the default from what already differs per deployment.
 */
export const DEPLOYMENT_METADATA_KEY = 'paywall_deployment';

export const DEPLOYMENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The default tag: a short hash of the token issuer and audience (the service's and the
 * site's URLs in production), so `npm start` and existing deployments need no new setting.
 * Not a secret and not a signature (only our server writes Stripe metadata); it only has to
 * differ between deployments and stay put across restarts. FNV-1a, 64 bits.
 */
export function defaultDeploymentId(issuer: string, audience: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(`${issuer}\n${audience}`)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `d${hash.toString(16).padStart(16, '0')}`;
}
