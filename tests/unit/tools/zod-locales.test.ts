import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The deployed bundle carries zod's English messages only (wrangler.toml's `[alias]`, see
// tools/build/zod-locales-english.ts), but zod's types still list every language, and the unit
// and workerd tests build without the alias. A call for another language would type-check,
// pass every test, and throw only once deployed: no file of the worker may ask for one.
const ROOT = resolve(import.meta.dirname, '../../..');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]),
    ),
  );
  return nested.flat().filter((f) => /\.[cm]?[jt]sx?$/.test(f));
}

describe("zod's languages in the deployed worker", () => {
  it('no file under src/ names zod locales or sets a zod config', async () => {
    const files = await sourceFiles(join(ROOT, 'src'));
    expect(files.length).toBeGreaterThan(100);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      if (/\blocales\b|zod\/(?:v4\/)?locales|\bz\.config\(|\bcore\.config\(/.test(text)) {
        offenders.push(file.slice(ROOT.length + 1));
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the alias stands in for exactly the import zod spells', async () => {
    const toml = await readFile(join(ROOT, 'wrangler.toml'), 'utf8');
    expect(toml).toMatch(
      /^"\.\.\/locales\/index\.js" = "\.\/tools\/build\/zod-locales-english\.ts"$/m,
    );
    for (const file of ['v4/classic/external.js', 'v4/core/index.js']) {
      const text = await readFile(join(ROOT, 'node_modules/zod', file), 'utf8');
      expect(text, file).toContain('export * as locales from "../locales/index.js";');
    }
  });
});
