import { createApp, createMisconfiguredApp } from './app';
import { parseEnv } from './env';
import { logEvent, setLogLevel } from './log';
import { buildServices } from './services';

/**
 * Worker entry: validate the environment once per isolate (per env object), build the
 * services once, and hand every request to the app.
 */
type App = {
  fetch: (request: Request, env: unknown, ctx: ExecutionContext) => Response | Promise<Response>;
};
const apps = new WeakMap<object, App>();

export function appFor(env: Record<string, unknown>): App {
  let app = apps.get(env);
  if (!app) {
    const parsed = parseEnv(env);
    if (parsed.ok) {
      setLogLevel(parsed.env.LOG_LEVEL);
      app = createApp(buildServices(parsed.env));
    } else {
      logEvent('error', 'bad_configuration', { problems: parsed.problems.join('; ') });
      app = createMisconfiguredApp(parsed.problems);
    }
    apps.set(env, app);
  }
  return app;
}

export default {
  fetch(request, env, ctx) {
    return appFor(env).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Record<string, unknown>>;
