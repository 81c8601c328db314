import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The unit project: pure modules of src/ (no I/O, no clock, no Workers API), tested in plain
// Node. No workerd, no global setup, no local servers, so `npm run test:unit` runs in
// seconds. Files are laid out like src/ (tests/unit/meter/period.test.ts tests
// src/meter/period.ts). A test that needs the runtime (bindings, HTMLRewriter, SELF, Redis)
// belongs in tests/integration, which runs in workerd through the root vitest.config.ts.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    name: 'unit',
    environment: 'node',
    include: ['tests/unit/**/*.test.ts'],
    // Threads start faster than forks; every file still gets its own module graph.
    pool: 'threads',
    // Generous for a 2-core machine shared with a workerd run; nothing here waits on I/O.
    testTimeout: 10_000,
  },
});
