import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env';
import { createMailer, outboxOf } from '../../src/mail/choose';
import { parseMailbox } from '../../src/mail/from';
import { createRedisClient } from '../../src/redis/client';
import { createKeys } from '../../src/redis/keys';

// The mail settings in the env: which combinations parse, which are refused and how (field
// names, never values), and the mailer each one resolves to. The rest of the env is the test
// suite's own valid bindings, so only the mail fields decide.

const base = (): Record<string, unknown> => ({ ...env });
const binding = { send: async () => ({ messageId: '<1@example.com>' }) };
const SECRET_KEY = 're_secret_value_0123456789';

describe('mail settings', () => {
  const valid: [string, Record<string, unknown>, 'outbox' | 'cloudflare' | 'resend' | null][] = [
    ['test without MAILER: the outbox', { ENVIRONMENT: 'test' }, 'outbox'],
    ['development without MAILER: the outbox', { ENVIRONMENT: 'development' }, 'outbox'],
    ['production without MAILER: no mailer', { ENVIRONMENT: 'production' }, null],
    ['an empty MAILER is unset', { ENVIRONMENT: 'production', MAILER: '' }, null],
    [
      'resend with a key and a sender',
      { MAILER: 'resend', RESEND_API_KEY: SECRET_KEY, MAIL_FROM: 'news@example.com' },
      'resend',
    ],
    [
      'resend in production, through the local stand-in',
      {
        ENVIRONMENT: 'production',
        MAILER: 'resend',
        RESEND_API_KEY: SECRET_KEY,
        RESEND_API_BASE: 'http://127.0.0.1:12112',
        MAIL_FROM: 'The Daily Example <news@example.com>',
      },
      'resend',
    ],
    [
      'cloudflare with the binding and a named sender',
      {
        MAILER: 'cloudflare',
        SEND_EMAIL: binding,
        MAIL_FROM: 'The Daily Example <news@example.com>',
      },
      'cloudflare',
    ],
    [
      'cloudflare in production with a quoted name',
      {
        ENVIRONMENT: 'production',
        MAILER: 'cloudflare',
        SEND_EMAIL: binding,
        MAIL_FROM: '"The Daily, Example" <news@example.com>',
      },
      'cloudflare',
    ],
    ['the outbox in development', { ENVIRONMENT: 'development', MAILER: 'outbox' }, 'outbox'],
  ];

  it.each(valid)('%s', (_, overrides, mailer) => {
    const parsed = parseEnv({ ...base(), ...overrides });
    expect(parsed.ok ? null : parsed.problems).toBeNull();
    if (parsed.ok) expect(parsed.env.MAILER).toBe(mailer);
  });

  const invalid: [string, Record<string, unknown>, string[]][] = [
    ['the outbox in production', { ENVIRONMENT: 'production', MAILER: 'outbox' }, ['MAILER']],
    ['an unknown mailer', { MAILER: 'sendgrid' }, ['MAILER']],
    [
      'resend without a key',
      { MAILER: 'resend', MAIL_FROM: 'news@example.com' },
      ['RESEND_API_KEY'],
    ],
    ['resend without a sender', { MAILER: 'resend', RESEND_API_KEY: SECRET_KEY }, ['MAIL_FROM']],
    [
      'a Resend key that is not one',
      { MAILER: 'resend', MAIL_FROM: 'news@example.com', RESEND_API_KEY: 'sk_secret_value' },
      ['RESEND_API_KEY'],
    ],
    [
      'a Resend base that is not a URL',
      {
        MAILER: 'resend',
        MAIL_FROM: 'news@example.com',
        RESEND_API_KEY: SECRET_KEY,
        RESEND_API_BASE: 'ftp://127.0.0.1',
      },
      ['RESEND_API_BASE'],
    ],
    [
      'cloudflare without the binding',
      { MAILER: 'cloudflare', MAIL_FROM: 'news@example.com' },
      ['SEND_EMAIL'],
    ],
    [
      'cloudflare with a string for a binding',
      { MAILER: 'cloudflare', MAIL_FROM: 'news@example.com', SEND_EMAIL: 'SEND_EMAIL' },
      ['SEND_EMAIL'],
    ],
    ['cloudflare without a sender', { MAILER: 'cloudflare', SEND_EMAIL: binding }, ['MAIL_FROM']],
    [
      'a sender without a domain',
      { MAILER: 'resend', RESEND_API_KEY: SECRET_KEY, MAIL_FROM: 'secret-sender@localhost' },
      ['MAIL_FROM'],
    ],
    [
      'a sender with two addresses',
      {
        MAILER: 'resend',
        RESEND_API_KEY: SECRET_KEY,
        MAIL_FROM: 'secret-sender@example.com, other@example.com',
      },
      ['MAIL_FROM'],
    ],
    [
      'a sender name with a line break (header injection)',
      {
        MAILER: 'resend',
        RESEND_API_KEY: SECRET_KEY,
        MAIL_FROM: 'Secret\r\nBcc: x@example.com <news@example.com>',
      },
      ['MAIL_FROM'],
    ],
    [
      'an unclosed angle bracket',
      { MAILER: 'cloudflare', SEND_EMAIL: binding, MAIL_FROM: 'Secret <news@example.com' },
      ['MAIL_FROM'],
    ],
    [
      'a bad sender even for the outbox',
      { ENVIRONMENT: 'development', MAIL_FROM: 'not-a-secret-address' },
      ['MAIL_FROM'],
    ],
  ];

  it.each(invalid)('refuses %s, naming the field', (_, overrides, fields) => {
    const raw = { ...base(), ...overrides };
    let parsed: ReturnType<typeof parseEnv> | undefined;
    expect(() => {
      parsed = parseEnv(raw);
    }).not.toThrow();
    if (!parsed || parsed.ok) throw new Error('expected problems');
    expect(parsed.problems.map((p) => p.split(':')[0])).toEqual(fields);
    // Every value that could be a secret or an address in these cases says "secret".
    const text = parsed.problems.join('\n');
    expect(text).not.toMatch(/secret/i);
  });
});

describe('createMailer', () => {
  const deps = () => ({
    redis: createRedisClient({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: 5_000,
    }),
    keys: createKeys(`${env.REDIS_KEY_PREFIX}mail-env-${crypto.randomUUID()}:`),
    timeoutMs: 5_000,
  });
  const parsed = (overrides: Record<string, unknown>) => {
    const result = parseEnv({ ...base(), ...overrides });
    if (!result.ok) throw new Error(result.problems.join('; '));
    return result.env;
  };

  it('is null when no mailer is configured', () => {
    expect(createMailer(parsed({ ENVIRONMENT: 'production' }), deps())).toBeNull();
    expect(outboxOf(null)).toBeNull();
  });

  it('builds the outbox in test, which lists what it sent', async () => {
    const mailer = createMailer(parsed({ ENVIRONMENT: 'test' }), deps());
    expect(mailer?.kind).toBe('outbox');
    const outbox = outboxOf(mailer);
    await mailer?.send({ to: 'reader@example.com', subject: 's', text: 't', html: '<p>h</p>' });
    expect((await outbox?.list())?.map((m) => m.to)).toEqual(['reader@example.com']);
  });

  it('builds the Resend mailer from the key, the sender and the base URL', async () => {
    const mailer = createMailer(
      parsed({
        MAILER: 'resend',
        RESEND_API_KEY: env.TEST_RESEND_API_KEY,
        RESEND_API_BASE: env.TEST_RESEND_URL,
        MAIL_FROM: 'The Daily Example <news@example.com>',
      }),
      deps(),
    );
    expect(mailer?.kind).toBe('resend');
    expect(outboxOf(mailer)).toBeNull();
    await expect(
      mailer?.send({ to: 'reader@example.com', subject: 's', text: 't', html: '<p>h</p>' }),
    ).resolves.toBeUndefined();
  });

  it('parses the senders it accepts into name and address', () => {
    expect(parseMailbox('news@example.com')).toEqual({
      name: undefined,
      email: 'news@example.com',
    });
    expect(parseMailbox('The Daily Example <news@example.com>')).toEqual({
      name: 'The Daily Example',
      email: 'news@example.com',
    });
    expect(parseMailbox('"Le Café, Paris" <news@example.com>')).toEqual({
      name: 'Le Café, Paris',
      email: 'news@example.com',
    });
    expect(parseMailbox('<news@example.com>')).toBeNull();
  });
});
