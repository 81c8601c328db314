import { env } from 'cloudflare:workers';
import { Redis } from '@upstash/redis/cloudflare';

// Shared by the upstash-local conformance tests, which run inside workerd and talk to the
// two servers tests/global-setup.ts starts: the default one (real redis-server when one
// answers, else the embedded store) and one always on the embedded store.

export interface Target {
  name: string;
  url: string;
  backend: 'redis' | 'memory';
}

export const TOKEN = env.UPSTASH_REDIS_REST_TOKEN;

/** Both servers, so every behaviour is checked on both backends. */
export const TARGETS: Target[] = [
  {
    name: `default (${env.TEST_REDIS_BACKEND})`,
    url: env.UPSTASH_REDIS_REST_URL,
    backend: env.TEST_REDIS_BACKEND,
  },
  { name: 'memory', url: env.TEST_UPSTASH_MEMORY_URL, backend: 'memory' },
];

type RedisConfig = ConstructorParameters<typeof Redis>[0];

/**
 * The real client, speaking the protocol as the worker's does (src/redis/client.ts): one
 * request per command (no auto-pipelining) and no read-your-writes token, which is all
 * upstash-local serves. Its other defaults (base64 responses, JSON deserialisation, retries)
 * stay unless overridden, so the tests see what a plain client would.
 */
export function client(url: string, overrides: Partial<RedisConfig> = {}): Redis {
  return new Redis({
    url,
    token: TOKEN,
    enableTelemetry: false,
    enableAutoPipelining: false,
    readYourWrites: false,
    ...overrides,
  });
}

/**
 * Keys under the run's random prefix plus a random namespace per test, remembered so the
 * test can delete them afterwards: the redis-server is shared and is never flushed.
 */
export class Keys {
  readonly namespace = `${env.REDIS_KEY_PREFIX}upstash-local:${crypto.randomUUID().slice(0, 8)}:`;
  private readonly used = new Set<string>();

  key(name: string): string {
    const full = this.namespace + name;
    this.used.add(full);
    return full;
  }

  async cleanup(url: string): Promise<void> {
    if (this.used.size === 0) return;
    await client(url).del(...this.used);
  }
}

/** POST a raw body, for what the client never sends. */
export function post(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', body, headers });
}

export function authed(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${TOKEN}`, ...extra };
}

export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes));
}

export async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
