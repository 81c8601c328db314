import { z } from 'zod';

/**
 * Who may open the publisher dashboard: the env values and the settings built from them once.
 * Only zod here: src/env.ts imports this, and tools/dev/dev.ts runs that in Node.
 */

/** An empty var (`ADMIN_KEY=` in .dev.vars) means unset, like a missing one (as in src/env.ts). */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * ACCESS_TEAM_DOMAIN: the Zero Trust team's host (`example.cloudflareaccess.com`). Only the
 * host: the issuer (`https://<host>`) and the key set's URL are built from it, so a scheme,
 * port, path or trailing dot would make every token's `iss` mismatch. Lowercased, as `iss` is.
 */
const accessTeamDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => !v.includes('://'), { message: 'the host only, without https://', abort: true })
  .refine(
    (v) => v.length <= 253 && v.split('.').length >= 2 && v.split('.').every((l) => LABEL.test(l)),
    'a host name such as example.cloudflareaccess.com (no scheme, port or path)',
  );

/** ACCESS_AUD: the Access application's Audience (AUD) tag (Access gives 64 hex characters). */
const accessAudSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, "the Access application's AUD tag (1-200 visible characters)");

/**
 * ADMIN_KEY: for operators without Access. Visible ASCII without spaces, so it can be sent as
 * `Authorization: Bearer <key>` (src/http/api-key.ts takes up to 512) as well as a Basic
 * password; 32+ characters because it opens the dashboard from anywhere.
 */
const adminKeySchema = z
  .string()
  .regex(
    /^[\x21-\x7e]{32,256}$/,
    'needs 32-256 visible ASCII characters, no spaces (e.g. openssl rand -base64 33)',
  );

/** The three fields, each optional; spread into src/env.ts's object. */
export const adminAuthEnvShape = {
  ACCESS_TEAM_DOMAIN: unsetWhenEmpty(accessTeamDomainSchema),
  ACCESS_AUD: unsetWhenEmpty(accessAudSchema),
  ADMIN_KEY: unsetWhenEmpty(adminKeySchema),
};

type AdminAuthEnv = { ACCESS_TEAM_DOMAIN?: string; ACCESS_AUD?: string; ADMIN_KEY?: string };

/**
 * Access needs both values: a team domain without an audience would accept a token minted for
 * any application of the team, and an audience alone has no key set to check it with. For the
 * superRefine of src/env.ts's schema.
 */
export function checkAdminAuthEnv(env: AdminAuthEnv, ctx: z.RefinementCtx): void {
  const pair = ['ACCESS_TEAM_DOMAIN', 'ACCESS_AUD'] as const;
  for (const [field, other] of [pair, [pair[1], pair[0]] as const]) {
    if (env[field] === undefined && env[other] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: `required when ${other} is set` });
    }
  }
}

/** The admin fields on their own, with the pairing check (tests, and anyone parsing only these). */
export const adminAuthConfig = z.object(adminAuthEnvShape).superRefine(checkAdminAuthEnv);

export interface AdminAuthSettings {
  /** Only `production` refuses everything when nothing is configured; anything else allows loopback. */
  environment: 'production' | 'development' | 'test';
  /** Cloudflare Access in front of the dashboard, or null. */
  access: { teamDomain: string; audience: string } | null;
  /**
   * ADMIN_KEY as the one-element list `isSiteApiKey` compares against (it caches its padded
   * bytes per list, so this list is built once, here); empty when unset.
   */
  adminKeys: readonly string[];
}

/** Built once per isolate from the parsed env (src/services.ts). */
export function adminAuthSettings(
  env: AdminAuthEnv & { ENVIRONMENT: AdminAuthSettings['environment'] },
): AdminAuthSettings {
  const { ACCESS_TEAM_DOMAIN: teamDomain, ACCESS_AUD: audience, ADMIN_KEY: key } = env;
  return {
    environment: env.ENVIRONMENT,
    access: teamDomain !== undefined && audience !== undefined ? { teamDomain, audience } : null,
    adminKeys: Object.freeze(key === undefined ? [] : [key]),
  };
}
