import { describe, expect, it } from 'vitest';
import { compilePathGlob } from '../../../src/rules/glob';

describe('path globs', () => {
  it.each([
    ['/free/*', '/free/a', true],
    ['/free/*', '/free/a/b', false],
    ['/free/**', '/free/a/b', true],
    ['/free/**', '/freebies/a', false],
    ['/*/opinion/*', '/2026/opinion/x', true],
    ['/a.b', '/aXb', false], // '.' is literal, not a regex wildcard
    ['/(x)+', '/(x)+', true],
    ['/(x)+', '/xx', false],
  ])('%s on %s is %s', (glob, path, expected) => {
    expect(compilePathGlob(glob).test(path)).toBe(expected);
  });
});
