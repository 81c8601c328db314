import { describe, expect, it } from 'vitest';
import { adminAuthConfig, adminAuthSettings } from '../../../src/admin/auth-config';
import { isSiteApiKey } from '../../../src/secret-match';

const AUD = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const KEY = 'k'.repeat(32);

/** The problems as src/env.ts reports them: the field, never the value. */
const problems = (raw: Record<string, unknown>) => {
  const result = adminAuthConfig.safeParse(raw);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

describe('adminAuthConfig', () => {
  it('takes nothing, empty values as unset, or a full configuration', () => {
    expect(adminAuthConfig.parse({})).toEqual({});
    expect(
      adminAuthConfig.parse({ ACCESS_TEAM_DOMAIN: '', ACCESS_AUD: '', ADMIN_KEY: '' }),
    ).toEqual({});
    expect(
      adminAuthConfig.parse({
        ACCESS_TEAM_DOMAIN: ' Example.CloudflareAccess.com ',
        ACCESS_AUD: AUD,
        ADMIN_KEY: KEY,
      }),
    ).toEqual({
      ACCESS_TEAM_DOMAIN: 'example.cloudflareaccess.com',
      ACCESS_AUD: AUD,
      ADMIN_KEY: KEY,
    });
  });

  it.each([
    'https://example.cloudflareaccess.com',
    'example.cloudflareaccess.com/',
    'example.cloudflareaccess.com:443',
    'example.cloudflareaccess.com.',
    'localhost',
    '-bad.cloudflareaccess.com',
    'ex ample.cloudflareaccess.com',
    'user@example.cloudflareaccess.com',
    `${'a'.repeat(64)}.cloudflareaccess.com`,
  ])('refuses the team domain %j', (domain) => {
    expect(problems({ ACCESS_TEAM_DOMAIN: domain, ACCESS_AUD: AUD })).toEqual([
      'ACCESS_TEAM_DOMAIN',
    ]);
  });

  it('needs the team domain and the audience together', () => {
    expect(problems({ ACCESS_TEAM_DOMAIN: 'example.cloudflareaccess.com' })).toEqual([
      'ACCESS_AUD',
    ]);
    expect(problems({ ACCESS_AUD: AUD })).toEqual(['ACCESS_TEAM_DOMAIN']);
  });

  it.each(['', ' ', 'a b', 'x'.repeat(201)])('refuses the audience %j', (aud) => {
    // '' is unset, so the pair check names it instead.
    expect(
      problems({ ACCESS_TEAM_DOMAIN: 'example.cloudflareaccess.com', ACCESS_AUD: aud }),
    ).toEqual(['ACCESS_AUD']);
  });

  it.each([
    'k'.repeat(31),
    `${'k'.repeat(31)} `,
    `${'k'.repeat(16)} ${'k'.repeat(16)}`,
    `${'k'.repeat(32)}é`,
    'k'.repeat(257),
  ])('refuses the admin key %#', (key) => {
    expect(problems({ ADMIN_KEY: key })).toEqual(['ADMIN_KEY']);
  });
});

describe('adminAuthSettings', () => {
  it('builds Access only from both values, and the key list once', () => {
    const s = adminAuthSettings({
      ENVIRONMENT: 'production',
      ACCESS_TEAM_DOMAIN: 'example.cloudflareaccess.com',
      ACCESS_AUD: AUD,
      ADMIN_KEY: KEY,
    });
    expect(s).toEqual({
      environment: 'production',
      access: { teamDomain: 'example.cloudflareaccess.com', audience: AUD },
      adminKeys: [KEY],
    });
    expect(Object.isFrozen(s.adminKeys)).toBe(true);
    expect(isSiteApiKey(KEY, s.adminKeys)).toBe(true);
    expect(adminAuthSettings({ ENVIRONMENT: 'development' })).toEqual({
      environment: 'development',
      access: null,
      adminKeys: [],
    });
    expect(isSiteApiKey('', adminAuthSettings({ ENVIRONMENT: 'test' }).adminKeys)).toBe(false);
  });
});
