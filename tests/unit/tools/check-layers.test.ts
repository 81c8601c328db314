import { describe, expect, it } from 'vitest';
import { checkLayers, importsOf, layerOf } from '../../../tools/scripts/check-layers';

// The layer check (`npm run check:layers`) on small made-up trees: it must refuse what points
// up, whatever the import's spelling, and let through what points down or sideways.

const tree = (files: Record<string, string>) =>
  Object.entries(files).map(([path, text]) => ({ path, text }));

describe('the layer check', () => {
  it('places every file of the table, and nothing else', () => {
    expect(layerOf('app.ts')).toBe(0);
    expect(layerOf('routes/access.ts')).toBe(1);
    expect(layerOf('errors.ts')).toBeGreaterThan(layerOf('meter/meter.ts') as number);
    expect(layerOf('client/index.ts')).toBe('client');
    expect(layerOf('newfolder/thing.ts')).toBeNull();
  });

  it('lets imports point down and sideways', () => {
    const files = tree({
      'routes/access.ts': "import { decide } from '../access/decide';",
      'access/decide.ts': "import { x } from '../meter/meter';\nimport { e } from '../errors';",
      'meter/meter.ts': "import type { R } from '../redis/client';",
      'redis/client.ts': '',
      'errors.ts': '',
    });
    expect(checkLayers(files)).toEqual([]);
  });

  it.each([
    ['a value import', "import { messagePage } from './http/pages';"],
    ['a type-only import', "import type { Page } from './http/pages';"],
    ['a multi-line import', "import {\n  type A,\n  b,\n} from './http/pages';"],
    ['a re-export', "export { messagePage } from './http/pages';"],
    ['a dynamic import', "const m = () => import('./http/pages');"],
    ['a type-position import', "type P = import('./http/pages').Page;"],
  ])('refuses %s that points up', (_, line) => {
    const files = tree({ 'errors.ts': line, 'http/pages.ts': '' });
    const problems = checkLayers(files);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^src\/errors\.ts:\d+: imports src\/http\/pages\.ts, upward/);
  });

  it('refuses a file the table has no place for, and an import it cannot resolve', () => {
    const files = tree({
      'stray/file.ts': '',
      'access/decide.ts': "import { gone } from '../meter/gone';",
    });
    expect(checkLayers(files)).toEqual([
      'src/stray/file.ts: not in the layer table (tools/scripts/check-layers.ts)',
      "src/access/decide.ts:1: cannot resolve '../meter/gone'",
    ]);
  });

  it('keeps the client to what it may import: schemas for their types only', () => {
    const ok = tree({
      'client/api.ts': "import type { AccessResponse } from '../schemas/access';",
      'schemas/access.ts': '',
    });
    expect(checkLayers(ok)).toEqual([]);
    const value = tree({
      'client/api.ts': "import { AccessResponseSchema } from '../schemas/access';",
      'schemas/access.ts': '',
    });
    expect(checkLayers(value)).toHaveLength(1);
    const worker = tree({
      'client/index.ts': '',
      'routes/access.ts': "import type { C } from '../client/index';",
    });
    expect(checkLayers(worker)).toEqual([
      'src/routes/access.ts:1: the worker imports the client (src/client/index.ts)',
    ]);
  });

  it('keeps the Stripe SDK inside billing/, types included', () => {
    const files = tree({
      'billing/stripe-client.ts': "import Stripe from 'stripe';",
      'billing/sync.ts': "import type Stripe from 'stripe';",
      'routes/portal.ts': "import type Stripe from 'stripe';",
      'identity/supporters.ts': "import type { Customer } from 'stripe/types';",
    });
    expect(checkLayers(files)).toEqual([
      "src/routes/portal.ts:1: imports 'stripe', which only billing/ may",
      "src/identity/supporters.ts:1: imports 'stripe/types', which only billing/ may",
    ]);
  });

  it('reads a mixed import as a value import', () => {
    const [only] = importsOf({ path: 'a.ts', text: "import { type A, b } from './b';" });
    expect(only).toEqual({ specifier: './b', line: 1, typeOnly: false });
    const [types] = importsOf({ path: 'a.ts', text: "import { type A, type B } from './b';" });
    expect(types?.typeOnly).toBe(true);
  });
});
