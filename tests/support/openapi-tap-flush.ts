import { afterAll } from 'vitest';
import { flushOpenApiTap } from './openapi-tap';

// Every workerd test file (vitest.config.ts setupFiles) posts the exchanges its tests left
// queued when it ends, so none is lost and each run's tally is complete.
afterAll(flushOpenApiTap);
