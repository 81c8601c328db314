import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { toBase64Url } from '../encoding';
import { type EntitlementDeps, resolveAccountEntitlement } from '../entitlements/resolve';
import { accessFromRecord } from '../entitlements/status';
import { verifyEntitlement } from '../entitlements/token';
import { AppError, RETRY_SOON } from '../errors';
import { limitBody } from '../http/body-limit';
import type { AppEnv } from '../http/context';
import {
  clearCookie,
  readCookie,
  setAccountCookie,
  setEntitlementCookie,
  setSignInCookie,
} from '../http/cookies';
import { readerIp } from '../http/reader-ip';
import { requireReturnPath, safeReturnPath } from '../http/return-to';
import { requireBrowserForm, returnOrigin } from '../http/site-origin';
import { validationHook } from '../http/validation';
import { addressKey, MAX_ADDRESS_LENGTH, normalizeAddress } from '../identity/address';
import { setSignInPageHeaders } from '../identity/http';
import { addressPage, codePage, noticePage, signedInPage } from '../identity/pages';
import { INTENTS, type Intent, SIGN_IN_CODE_PAGE, signInHref } from '../identity/paths';
import {
  newSessionId,
  openAccountSession,
  sealAccountSession,
  sessionPolicy,
} from '../identity/session';
import { findSupporter } from '../identity/supporters';
import { logEvent } from '../log';
import { composeSignInCode } from '../mail/sign-in-code';
import { pendingRead } from '../meter/carried';
import { formErrorResponseDoc } from '../schemas/error';
import type { Services } from '../services';

/**
 * Sign-in with an e-mailed code, for supporters on a new device and registered readers:
 * address → code (mailed) → this device signed in, back on the same article. The address is
 * never stored; the page answers the same way for every address; the code is bound to the
 * browser that asked for it. Every failure of Redis, Stripe or the mailer refuses (503):
 * nobody is signed in on a guess. Metered reading does not depend on any of it.
 */

const CODE_MINUTES = 10;
/** The pending sign-in cookie lives as long as its code. */
const SIGN_IN_COOKIE_SECONDS = CODE_MINUTES * 60;
/** The domain the pending sign-in cookie is sealed under. */
const SIGN_IN_SEAL = 'signin1';

const pageQuery = z.object({
  intent: z.enum(INTENTS).optional().openapi({ description: 'Which words the page uses' }),
  returnTo: z.string().max(2048).optional().openapi({
    description: 'Same-site relative path to land on afterwards; anything else becomes "/"',
  }),
});

const htmlPage = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
});

const addressPageRoute = createRoute({
  method: 'get',
  path: '/sign-in',
  operationId: 'signInPage',
  tags: ['accounts'],
  summary: 'The sign-in page: an e-mail address form (or, signed in, a sign-out button)',
  description:
    'Linked from the prompt ("Get access on this device", "Register", "Sign in"). 404 when no mailer is configured.',
  security: [],
  request: { query: pageQuery },
  responses: {
    200: htmlPage('The form, or the signed-in state with a sign-out button'),
    400: formErrorResponseDoc('An unknown intent or a query longer than allowed'),
    404: formErrorResponseDoc('Sign-in is not available (no mailer configured)'),
  },
});

const codePageRoute = createRoute({
  method: 'get',
  path: '/sign-in/code',
  operationId: 'signInCodePage',
  tags: ['accounts'],
  summary: 'The form for the 6-digit code',
  description:
    'Where the address form leads. The code is typed or pasted here and posted; a link never redeems a code.',
  security: [],
  request: { query: pageQuery },
  responses: {
    200: htmlPage('The code form'),
    400: formErrorResponseDoc('An unknown intent or a query longer than allowed'),
    404: formErrorResponseDoc('Sign-in is not available (no mailer configured)'),
  },
});

const sendRoute = createRoute({
  method: 'post',
  path: '/v1/sign-in',
  operationId: 'sendSignInCode',
  tags: ['accounts'],
  summary: 'Mail a 6-digit code to an address and bind it to this browser',
  description:
    'Posted by the sign-in page. Answers the same way for every well-formed address, known or not: a 303 to the code page with a 10-minute `__Host-paywall_signin` cookie. Rate-limited per address, per client address (IPv6 by /64) and site-wide; over a limit, a page with `Retry-After` and no e-mail. The body is at most 4 KB.',
  security: [],
  middleware: [requireBrowserForm(), limitBody(4 * 1024)] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: z.object({
            email: z.string().max(1024).openapi({ description: 'The reader’s e-mail address' }),
            intent: z.enum(INTENTS).optional(),
            returnTo: z.string().max(512).optional(),
          }),
        },
      },
    },
  },
  responses: {
    303: { description: 'To the code page; the code is on its way' },
    400: formErrorResponseDoc(
      'Not an e-mail address (the form again, with the error), or a bad returnTo',
    ),
    403: formErrorResponseDoc('A form from an origin that is not allowed'),
    404: formErrorResponseDoc('Sign-in is not available (no mailer configured)'),
    429: formErrorResponseDoc(
      'Too many codes for this address, this network or the site (Retry-After)',
    ),
    503: formErrorResponseDoc('Redis, Stripe or the mail provider unreachable: no code is valid'),
  },
});

const verifyRoute = createRoute({
  method: 'post',
  path: '/v1/sign-in/verify',
  operationId: 'verifySignInCode',
  tags: ['accounts'],
  summary: 'Redeem the code: sign this device in and restore access',
  description:
    'Posted by the code page with the `__Host-paywall_signin` cookie. A right code signs this device in (`__Host-paywall_acct`), adds the entitlement cookie when the account has current support, and sends the reader back to the article (303). A code works once, for 10 minutes, from the browser that asked for it, with 5 attempts.',
  security: [],
  middleware: [requireBrowserForm(), limitBody(4 * 1024)] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: z.object({
            code: z.string().max(64),
            intent: z.enum(INTENTS).optional(),
            returnTo: z.string().max(512).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: htmlPage(
      'The code was right but no supporter account uses the address (registration off)',
    ),
    303: { description: 'Signed in: back to the article' },
    400: formErrorResponseDoc(
      'A wrong code (the form again, attempts left), or an expired, used or replaced one',
    ),
    403: formErrorResponseDoc('A form from an origin that is not allowed'),
    404: formErrorResponseDoc('Sign-in is not available (no mailer configured)'),
    429: formErrorResponseDoc(
      'Five wrong attempts (ask for a new code), or too many checks from this network',
    ),
    503: formErrorResponseDoc('Redis or Stripe unreachable: nobody is signed in'),
  },
});

export const signInRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(addressPageRoute, async (c) => {
    requireMailer(c.var.services);
    const { intent, returnTo } = pageInput(c.req.valid('query'));
    setSignInPageHeaders(c);
    const signedIn = await isSignedIn(c);
    return c.html(signedIn ? signedInPage(returnTo) : addressPage({ intent, returnTo }), 200);
  })
  .openapi(codePageRoute, (c) => {
    requireMailer(c.var.services);
    const { intent, returnTo } = pageInput(c.req.valid('query'));
    setSignInPageHeaders(c);
    return c.html(codePage({ intent, returnTo }), 200);
  })
  .openapi(sendRoute, async (c) => {
    const services = c.var.services;
    const mailer = requireMailer(services);
    const form = c.req.valid('form');
    const intent = form.intent ?? 'access';
    const returnTo = requireReturnPath(form.returnTo);
    setSignInPageHeaders(c);
    const address = normalizeAddress(form.email);
    if (address === null || form.email.length > MAX_ADDRESS_LENGTH + 64) {
      return c.html(
        addressPage({ intent, returnTo, error: 'Enter an e-mail address, like name@example.com.' }),
        400,
      );
    }
    const key = await addressKey(services.readers, address);
    const ip = await readerIp(c);
    const limit = await unavailableOnFailure(() => services.signInRateLimit.checkSend(key, ip));
    if (!limit.ok) return tooMany(c, limit.retryAfterSeconds, intent, returnTo);
    const now = services.now();
    // The same calls for every address, known or not: a Stripe lookup (the supporter's
    // account is linked now, so the code can restore access), a code, one e-mail.
    await unavailableOnFailure(async () => {
      const grace = { pastDueGraceDays: services.config.entitlements.pastDueGraceDays };
      const supporter = await findSupporter(
        { billing: services.billing, store: services.subscribers, ...grace, now },
        [form.email.trim(), address],
      );
      if (supporter) {
        await services.subscribers.linkAccount(
          key,
          supporter.subscriberId,
          (current) => accessFromRecord(current, now, grace).entitled,
        );
      }
    });
    const nonce = randomNonce();
    const code = await unavailableOnFailure(() => services.signInCodes.issue(key, nonce));
    const siteName = services.config.accounts.siteName ?? new URL(returnOrigin(c)).host;
    await unavailableOnFailure(
      () =>
        mailer.send(
          composeSignInCode({
            to: address,
            siteName,
            code,
            minutes: CODE_MINUTES,
            purpose: intent,
          }),
        ),
      'Sending the e-mail',
    );
    setSignInCookie(
      c,
      await services.readers.seal(SIGN_IN_SEAL, `${key}~${nonce}`),
      SIGN_IN_COOKIE_SECONDS,
    );
    return c.redirect(signInHref(intent, returnTo, SIGN_IN_CODE_PAGE), 303);
  })
  .openapi(verifyRoute, async (c) => {
    const services = c.var.services;
    requireMailer(services);
    const form = c.req.valid('form');
    const intent = form.intent ?? 'access';
    const returnTo = requireReturnPath(form.returnTo);
    setSignInPageHeaders(c);
    const pending = await pendingSignIn(c);
    if (!pending) {
      return c.html(
        noticePage(
          'Start again',
          'This browser has no code waiting: it expired, or was asked for in another browser. Ask for a new code here.',
          [{ href: signInHref(intent, returnTo), label: 'Send me a new code' }],
        ),
        400,
      );
    }
    const ip = await readerIp(c);
    const limit = await unavailableOnFailure(() => services.signInRateLimit.checkVerify(ip));
    if (!limit.ok) return tooMany(c, limit.retryAfterSeconds, intent, returnTo);
    const check = await unavailableOnFailure(() =>
      services.signInCodes.verify(pending.key, pending.nonce, form.code),
    );
    if (!check.ok) {
      switch (check.reason) {
        case 'wrong':
          return c.html(
            codePage({
              intent,
              returnTo,
              error: `That code is not right. ${attempts(check.attemptsLeft)} left.`,
            }),
            400,
          );
        case 'locked':
          // The pending cookie stays: every further try here is told the same, right code or not.
          return c.html(
            noticePage(
              'Too many wrong codes',
              'That code has been tried too many times and no longer works. Ask for a new code: it will come in a new e-mail.',
              [
                { href: signInHref(intent, returnTo), label: 'Send me a new code' },
                { href: returnTo, label: 'Back to the article' },
              ],
            ),
            429,
          );
        case 'expired':
        case 'replaced':
          // One answer for both: which it is would tell a stranger holding a stale pending
          // cookie whether the address's owner has since asked for, or used, a code.
          clearCookie(c, 'paywall_signin');
          return c.html(
            noticePage(
              'That code no longer works',
              'Codes work once, for 10 minutes, and only the newest one. Use the code in the latest e-mail, or ask for a new one.',
              [{ href: signInHref(intent, returnTo), label: 'Send me a new code' }],
            ),
            400,
          );
      }
    }
    clearCookie(c, 'paywall_signin');
    return signIn(c, pending.key, intent, returnTo);
  });

/**
 * The address is proven. A supporter (linked to the account) gets the entitlement cookie; with
 * the registration wall on, everyone gets an account; otherwise an address with no current
 * support is told so (only its owner can read this page).
 */
async function signIn(c: Context<AppEnv>, key: string, intent: Intent, returnTo: string) {
  const services = c.var.services;
  const now = services.now();
  const deps = await services.entitlements();
  const support = await resolveAccountEntitlement({ accountKey: key }, deps, now);
  if (support.kind === 'unverifiable')
    throw new AppError(
      'service_unavailable',
      'Sign-in is unavailable right now; please try again shortly.',
      RETRY_SOON,
    );
  const registration = services.config.accounts.registration.enabled;
  if (!('entitlement' in support) && !registration) {
    return c.html(
      noticePage(
        'No supporter account uses this address',
        'The code was right, but no current subscription, monthly contribution or pass was bought with this e-mail address. Try the address you paid with, or support us now.',
        [
          { href: signInHref(intent, returnTo), label: 'Try another address' },
          { href: returnTo, label: 'Back to the article' },
        ],
      ),
      200,
    );
  }
  const sessionDays = services.config.accounts.sessionDays;
  const session = { accountKey: key, sessionId: newSessionId(), issuedAt: nowSeconds(now) };
  const { created } = await unavailableOnFailure(() =>
    services.accounts.open(
      key,
      { sessionId: session.sessionId, ttlMs: sessionDays * 86_400_000 },
      now,
    ),
  );
  if (created && registration) {
    // Registering carries this browser's reads into the account: "N more", not a fresh meter.
    const browser = await browserReader(c);
    if (browser) {
      const pending = pendingRead(browser.state, now);
      await services.meter.adopt(`r:${browser.id}`, `a:${key}`, now, pending).catch(() => {
        logEvent('warn', 'meter_adopt_failed');
      });
    }
  }
  setAccountCookie(c, await sealAccountSession(services.readers, session), sessionDays * 86_400);
  const keepsFullerToken =
    'entitlement' in support &&
    (await holdsFullToken(c, support.entitlement.subscriberId, deps, now));
  if ('entitlement' in support && support.entitlement.newToken && !keepsFullerToken) {
    setEntitlementCookie(
      c,
      support.entitlement.newToken,
      services.config.entitlements.refreshHorizonDays * 86_400,
    );
  }
  logEvent('info', 'signed_in', { supporter: 'entitlement' in support, created });
  services.stats.identity('sign_in', now);
  if ('entitlement' in support) services.stats.identity('restore', now);
  if (created && registration) services.stats.identity('registration', now);
  return c.redirect(returnTo, 303);
}

/**
 * The browser that paid already holds a token for this support with every right (the
 * portal too): signing in here must not swap it for a reading-only one.
 */
async function holdsFullToken(
  c: Context<AppEnv>,
  subscriberId: string,
  deps: EntitlementDeps,
  now: Date,
): Promise<boolean> {
  const token = readCookie(c, 'paywall_ent');
  if (token === undefined) return false;
  const check = await verifyEntitlement(token, deps.ring, deps.policy, now);
  return (
    check.kind !== 'invalid' &&
    check.claims.sub === subscriberId &&
    check.claims.ent.scope === undefined
  );
}

async function pendingSignIn(c: Context<AppEnv>): Promise<{ key: string; nonce: string } | null> {
  const sealed = readCookie(c, 'paywall_signin');
  if (sealed === undefined) return null;
  const value = await c.var.services.readers.open(SIGN_IN_SEAL, sealed);
  const [key, nonce, extra] = value?.split('~') ?? [];
  return key && nonce && extra === undefined ? { key, nonce } : null;
}

/** This browser's reader id, and the meter state it carries (src/meter/carried.ts). */
async function browserReader(c: Context<AppEnv>) {
  const token = readCookie(c, 'paywall_rid');
  return token === undefined ? null : c.var.services.readers.openId(token);
}

function randomNonce(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

const attempts = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`);

/** Over a limit: a readable 429 with `Retry-After`, and (at send) no e-mail. */
function tooMany(
  c: Context<AppEnv>,
  retryAfterSeconds: number,
  intent: Intent,
  returnTo: string,
): Response {
  c.header('Retry-After', String(retryAfterSeconds));
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const page = noticePage(
    'Please wait a little',
    `There have been too many sign-in requests. No e-mail was sent. Please try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`,
    [
      { href: signInHref(intent, returnTo), label: 'Try again later' },
      { href: returnTo, label: 'Back to the article' },
    ],
  );
  return c.html(page, 429);
}

function requireMailer(services: Services) {
  if (!services.mailer) throw new AppError('not_found', 'No such route.');
  return services.mailer;
}

function pageInput(query: { intent?: Intent | undefined; returnTo?: string | undefined }) {
  return { intent: query.intent ?? 'access', returnTo: safeReturnPath(query.returnTo) ?? '/' };
}

/** The sign-in page's question only (no Redis): a sealed, unexpired account cookie. */
async function isSignedIn(c: Context<AppEnv>): Promise<boolean> {
  const sealed = readCookie(c, 'paywall_acct');
  if (sealed === undefined) return false;
  const { services } = c.var;
  const policy = sessionPolicy(services.config.accounts.sessionDays, services.now());
  return (await openAccountSession(services.readers, sealed, policy)) !== null;
}

const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

/** Redis, Stripe or the mailer did not answer: refuse, never guess. */
async function unavailableOnFailure<T>(work: () => Promise<T>, what = 'Sign-in'): Promise<T> {
  try {
    return await work();
  } catch (error) {
    logEvent('warn', 'sign_in_unavailable', { error: (error as Error).name });
    throw new AppError(
      'service_unavailable',
      `${what} is unavailable right now; please try again shortly.`,
      RETRY_SOON,
    );
  }
}
