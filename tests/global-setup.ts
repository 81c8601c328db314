import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startUpstashLocal } from '../tools/upstash-local/server';
import { startClosedPort, startHangingServer } from './support/fault-servers';

// Runs in Node before any workerd test. Each run gets a random key prefix so runs never
// collide on the shared redis-server, and nothing is ever flushed.
export default async function setup(project: TestProject) {
  const token = randomBytes(24).toString('base64url');
  const real = await startUpstashLocal({ port: 0, token, backend: 'auto' });
  const memory = await startUpstashLocal({ port: 0, token, backend: 'memory' });
  const hanging = await startHangingServer();
  const closed = await startClosedPort();

  project.provide('upstashRedisUrl', real.url);
  project.provide('upstashMemoryUrl', memory.url);
  project.provide('redisBackend', real.backend);
  project.provide('upstashToken', token);
  project.provide('keyPrefix', `pwtest-${randomBytes(6).toString('hex')}:`);
  project.provide('readerSecret', randomBytes(32).toString('base64url'));
  project.provide('hangingUrl', hanging.url);
  project.provide('closedUrl', closed.url);

  return async () => {
    await Promise.all([real.close(), memory.close(), hanging.close()]);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    upstashRedisUrl: string;
    upstashMemoryUrl: string;
    redisBackend: 'redis' | 'memory';
    upstashToken: string;
    keyPrefix: string;
    readerSecret: string;
    hangingUrl: string;
    closedUrl: string;
  }
}
