import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { limitBody } from '../http/body-limit';
import type { AppEnv } from '../http/context';
import { clearCookie, readCookie } from '../http/cookies';
import { requireReturnPath } from '../http/return-to';
import { requireBrowserForm } from '../http/site-origin';
import { validationHook } from '../http/validation';
import { setSignInPageHeaders } from '../identity/http';
import { openAccountSession, sessionPolicy } from '../identity/session';
import { logEvent } from '../log';
import { formErrorResponseDoc } from '../schemas/error';

const signOutRoute = createRoute({
  method: 'post',
  path: '/v1/sign-out',
  operationId: 'signOut',
  tags: ['accounts'],
  summary: 'Sign this device out: clear its account and entitlement cookies, and nothing else',
  description:
    "Posted by the prompt and the sign-in page. This device's sign-in session ends (a copy of its account cookie unlocks nothing more); other devices stay signed in; the account, its meter and its support are untouched. The reader id cookie stays, so signing out never starts a fresh free meter. Always a 303 back to `returnTo`, signed in or not. The body is at most 4 KB.",
  security: [],
  middleware: [requireBrowserForm(), limitBody(4 * 1024)] as const,
  request: {
    body: {
      required: false,
      content: {
        'application/x-www-form-urlencoded': {
          schema: z.object({ returnTo: z.string().max(512).optional() }),
        },
      },
    },
  },
  responses: {
    303: { description: 'Signed out: back to the article' },
    400: formErrorResponseDoc('Not a form post, a body over 4 KB, or an unsafe returnTo'),
    403: formErrorResponseDoc('A form from an origin that is not allowed'),
  },
});

export const signOutRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  signOutRoute,
  async (c) => {
    const form = (c.req.valid('form') ?? {}) as { returnTo?: string };
    const returnTo = requireReturnPath(form.returnTo);
    setSignInPageHeaders(c);
    // This device's session ends, so a copy of its cookie unlocks nothing any more. If Redis
    // fails, the cookies still go: the session then lasts until `sessionDays` at most.
    const { services } = c.var;
    const sealed = readCookie(c, 'paywall_acct');
    const session =
      sealed === undefined
        ? null
        : await openAccountSession(
            services.readers,
            sealed,
            sessionPolicy(services.config.accounts.sessionDays, services.now()),
          );
    if (session) {
      await services.accounts.endSession(session.sessionId).catch(() => {
        logEvent('warn', 'sign_out_session_kept');
      });
    }
    clearCookie(c, 'paywall_acct');
    clearCookie(c, 'paywall_ent');
    clearCookie(c, 'paywall_signin');
    return c.redirect(returnTo, 303);
  },
);
