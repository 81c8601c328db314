import type { ScriptRunner } from './client';

/**
 * A named Lua script run with EVALSHA, falling back to EVAL (which also loads it) when the
 * server answers NOSCRIPT, e.g. after a restart or on a fresh database. The SHA-1 is
 * computed once per isolate.
 */
export interface LuaScript {
  run(redis: ScriptRunner, keys: string[], args: (string | number)[]): Promise<unknown>;
}

export function defineScript(source: string): LuaScript {
  let sha: Promise<string> | undefined;
  return {
    async run(redis, keys, args) {
      sha ??= sha1Hex(source);
      try {
        return await redis.evalsha(await sha, keys, args);
      } catch (error) {
        if (error instanceof Error && /NOSCRIPT/i.test(error.message)) {
          return await redis.eval(source, keys, args);
        }
        throw error;
      }
    },
  };
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
