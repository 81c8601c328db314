/// <reference types="node" />
import type { TestProject } from 'vitest/node';
import { type Stack, startStack } from './stack';

// Starts upstash-local, the Stripe emulator, the demo origin and `wrangler dev` once for every
// journey file, and stops them all afterwards, also when a test fails or the run is aborted.
let stack: Stack | undefined;

export default async function setup(project: TestProject) {
  const started = Date.now();
  stack = await startStack();
  console.log(`[e2e] stack up in ${Date.now() - started} ms: ${stack.url}`);
  const { stop: _stop, ...info } = stack;
  project.provide('e2e', info);
  return async () => {
    await stack?.stop();
    stack = undefined;
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: Omit<Stack, 'stop'>;
  }
}
