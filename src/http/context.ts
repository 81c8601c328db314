import type { RequestIdVariables } from 'hono/request-id';
import type { Services } from '../services';

/** The Hono environment every route and middleware shares. */
export type AppEnv = {
  Variables: RequestIdVariables & { services: Services };
};
