import type { Hook } from '@hono/zod-openapi';
import { AppError } from '../errors';
import type { AppEnv } from './context';

/**
 * The shared zod-openapi hook: a request that fails its schema becomes one
 * `invalid_request` envelope naming the fields at fault (never echoing their values).
 */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by every route's schema
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const details = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || result.target}: ${issue.message}`)
    .join('; ');
  throw new AppError('invalid_request', `Invalid ${result.target}: ${details}`);
};
