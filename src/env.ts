import { z } from 'zod';
import { adminAuthEnvShape, checkAdminAuthEnv } from './admin/auth-config';
import { DEPLOYMENT_ID_PATTERN, defaultDeploymentId } from './billing/deployment';
import { type PaywallConfig, paywallConfigSchema } from './config';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './contract/entitlement-token';
import { signingKeysSchema } from './entitlements/signing-keys';
import { LOG_LEVELS } from './log';
import { parseMailbox } from './mail/from';
import { MAILERS } from './mail/mailer';

/**
 * Bindings, vars and secrets, validated once at the worker entry (and by `npm start`
 * before wrangler runs), so a wrong value fails loudly with the field's name instead of
 * surfacing as an odd decision later. This module must stay free of Workers-only imports:
 * tools/dev/dev.ts runs it in Node.
 */

const LOCAL_DEV_KEY = 'local-dev-key';

/** An empty var (`MAILER=` in .dev.vars) means unset, like a missing one. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
}

/** The `send_email` binding of Cloudflare Email Service: anything with a `send` function. */
const sendEmailBinding = z.custom<SendEmail>(
  (v) =>
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { send?: unknown }).send === 'function',
  'a send_email binding (an object with a send function)',
);

const apiKeyList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k.length > 0),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .refine((k) => k === LOCAL_DEV_KEY || k.length >= 16, 'each key needs 16+ characters'),
      )
      .min(1, 'at least one site API key is required'),
  );

/** Vars arrive as strings from `.dev.vars`/secrets and as JSON from wrangler.toml tables. */
function json<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      return v; // let the schema report "expected object/array" with the field name
    }
  }, schema);
}

export const envSchema = z
  .object({
    ENVIRONMENT: z.enum(['production', 'development', 'test']).default('production'),
    UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,40}$/, 'letters, digits, ":", "_" or "-" (max 40)')
      .default('pw:'),
    /** The site the worker sits in front of; every path outside /_paywall is proxied to it. */
    ORIGIN_URL: z.url({ protocol: /^https?$/ }).optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(5_000).default(200),
    READER_ID_SECRET: z.string().min(32, 'needs 32+ characters of randomness'),
    SITE_API_KEYS: apiKeyList,
    PAYWALL_CONFIG: json(paywallConfigSchema).default(paywallConfigSchema.parse({})),
    /** JSON array of Ed25519 private JWKs; the first signs (`npm run keys:new`). */
    ENTITLEMENT_SIGNING_KEYS: json(signingKeysSchema),
    /** Stripe secret key; `sk_test_local` with STRIPE_API_BASE pointing at the emulator locally. */
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'a Stripe secret key (sk_… or rk_…)'),
    /** Webhook signing secrets, comma-separated while one is being rolled. */
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((k) => k.trim())
          .filter((k) => k.length > 0),
      )
      .pipe(z.array(z.string().startsWith('whsec_', 'webhook secrets start with whsec_')).min(1)),
    /** Only for the local Stripe emulator; unset in production (api.stripe.com). */
    STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
    ENTITLEMENT_ISSUER: z.string().min(1).max(256).default(DEFAULT_ISSUER),
    ENTITLEMENT_AUDIENCE: z.string().min(1).max(256).default(DEFAULT_AUDIENCE),
    /**
     * Tags this deployment's Stripe objects; only objects with this tag are redeemed or
     * synced. Default: derived from ENTITLEMENT_ISSUER and ENTITLEMENT_AUDIENCE. Set it when
     * two deployments share a Stripe account and keep the default issuer and audience.
     */
    DEPLOYMENT_ID: z
      .string()
      .regex(DEPLOYMENT_ID_PATTERN, 'letters, digits, ".", ":", "_" or "-" (max 64)')
      .optional(),
    /**
     * How e-mail (sign-in codes) leaves: `outbox` (kept in Redis for the dev outbox page;
     * development and test only), `cloudflare` (the SEND_EMAIL binding) or `resend`.
     * Default: `outbox` in development and test, none in production (sign-in is off).
     */
    MAILER: optional(z.enum(MAILERS)),
    /** The sender, `news@example.com` or `The Daily Example <news@example.com>`. */
    MAIL_FROM: optional(
      z
        .string()
        .refine(
          (v) => parseMailbox(v) !== null,
          'an address or "Name <address>" (e.g. The Daily Example <news@example.com>)',
        ),
    ),
    RESEND_API_KEY: optional(z.string().regex(/^re_[A-Za-z0-9_]+$/, 'a Resend API key (re_…)')),
    /** Only for the local stand-in (tools/resend-local); unset in production (api.resend.com). */
    RESEND_API_BASE: optional(z.url({ protocol: /^https?$/ })),
    /** The `send_email` binding (wrangler.toml `[[send_email]] name = "SEND_EMAIL"`). */
    SEND_EMAIL: optional(sendEmailBinding),
    /** Who may open /_paywall/admin: Cloudflare Access, and/or an admin key (docs/stats.md). */
    ...adminAuthEnvShape,
  })
  .superRefine((env, ctx) => {
    checkAdminAuthEnv(env, ctx);
    // The well-known local key must never open a deployed worker.
    if (env.ENVIRONMENT !== 'development' && env.SITE_API_KEYS.includes(LOCAL_DEV_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SITE_API_KEYS'],
        message: `"${LOCAL_DEV_KEY}" is accepted only when ENVIRONMENT is "development"`,
      });
    }
    // The outbox keeps every message readable on a page: never on a deployed worker.
    if (env.ENVIRONMENT === 'production' && env.MAILER === 'outbox') {
      ctx.addIssue({
        code: 'custom',
        path: ['MAILER'],
        message: '"outbox" is accepted only when ENVIRONMENT is "development" or "test"',
      });
    }
    const need = (field: 'MAIL_FROM' | 'RESEND_API_KEY' | 'SEND_EMAIL') => {
      if (env[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `required when MAILER is "${env.MAILER}"`,
        });
      }
    };
    if (env.MAILER === 'cloudflare' || env.MAILER === 'resend') need('MAIL_FROM');
    if (env.MAILER === 'resend') need('RESEND_API_KEY');
    if (env.MAILER === 'cloudflare') need('SEND_EMAIL');
  })
  .transform((env) => ({
    ...env,
    /** The mailer in force: MAILER, else `outbox` in development and test, else none. */
    MAILER: env.MAILER ?? (env.ENVIRONMENT === 'production' ? null : ('outbox' as const)),
    DEPLOYMENT_ID:
      env.DEPLOYMENT_ID ?? defaultDeploymentId(env.ENTITLEMENT_ISSUER, env.ENTITLEMENT_AUDIENCE),
  }));

export type Env = z.infer<typeof envSchema> & { PAYWALL_CONFIG: PaywallConfig };

export type EnvResult = { ok: true; env: Env } | { ok: false; problems: string[] };

/** Parse raw bindings. Never throws; problems name fields, never values (they may be secrets). */
export function parseEnv(raw: Record<string, unknown>): EnvResult {
  const result = envSchema.safeParse(raw);
  if (result.success) return { ok: true, env: result.data };
  return { ok: false, problems: result.error.issues.map(describeIssue) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || '(root)';
  return `${path}: ${issue.message}`;
}
