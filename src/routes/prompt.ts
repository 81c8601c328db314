import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context';
import { requireReturnPath } from '../http/return-to';
import { validationHook } from '../http/validation';
import { promptIdentity } from '../identity/prompt-identity';
import { renderPrompt } from '../prompt';
import { PROMPT_STYLES } from '../prompt/styles';
import { errorResponseDoc } from '../schemas/error';
import { PromptQuerySchema } from '../schemas/prompt';

/**
 * The support prompt as an HTML fragment (its `<style>` first), for sites that draw the wall
 * themselves from their own edge middleware. The same markup the proxy injects: plain forms
 * posting to `/_paywall/v1/checkout` and `/_paywall/v1/portal`, so the site forwards
 * `/_paywall/*` to us (the client's `forward()`) and the cookies land on its own domain.
 *
 * Public and the same for every reader with the same query: nothing personal goes in, so
 * shared caches may keep it for a while.
 */
const promptRoute = createRoute({
  method: 'get',
  path: '/v1/prompt',
  operationId: 'getPrompt',
  tags: ['prompt'],
  summary: 'The support prompt as an HTML fragment',
  description:
    'The same markup the proxy injects under a walled or a whole article, for sites that draw the wall themselves. Public, the same for everyone with the same query.',
  security: [],
  request: { query: PromptQuerySchema },
  responses: {
    200: {
      description: 'A `<style>` element followed by the prompt `<section>`',
      content: { 'text/html': { schema: z.string() } },
    },
    400: errorResponseDoc('A returnTo that is not a same-site relative path, or a bad number'),
  },
});

export const PROMPT_MAX_AGE_SECONDS = 300;

export const promptRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  promptRoute,
  (c) => {
    const query = c.req.valid('query');
    const returnTo = requireReturnPath(query.returnTo);
    const { config } = c.var.services;
    const limit = query.limit;
    const used = query.used ?? limit ?? 0;
    const html = renderPrompt({
      offers: config.offers,
      copy: config.prompt,
      returnTo,
      variant: query.variant,
      meter: limit === undefined ? null : { limit, used, remaining: Math.max(0, limit - used) },
      // The site's middleware does not say whether the reader is signed in here: the links
      // lead to the sign-in page, which shows a signed-in device its sign-out button.
      identity: promptIdentity(c.var.services, false),
    });
    c.header('Cache-Control', `public, max-age=${PROMPT_MAX_AGE_SECONDS}`);
    return c.html(`${PROMPT_STYLES}${html}`, 200);
  },
);
