import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseMailbox } from '../../src/mail/from';
import { MailError, type MailMessage } from '../../src/mail/mailer';
import { createResendMailer } from '../../src/mail/resend';
import type { RecordedEmail } from '../../tools/resend-local/server';

// The Resend adapter against tools/resend-local (conformance-tested against the real SDK in
// tests/tools/resend-local.test.ts): the request it makes, and that every failure is a
// MailError that names neither the recipient nor the code. Each test has its own API key on
// the stand-in, so it reads back only its own messages.

const URL_ = env.TEST_RESEND_URL;

async function newKey(): Promise<string> {
  const response = await fetch(`${URL_}/_local/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.TEST_RESEND_API_KEY}` },
  });
  return ((await response.json()) as { apiKey: string }).apiKey;
}

async function recorded(key: string): Promise<RecordedEmail[]> {
  const response = await fetch(`${URL_}/_local/emails`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return ((await response.json()) as { data: RecordedEmail[] }).data;
}

async function failNext(key: string, status: number, name: string) {
  await fetch(`${URL_}/_local/fail-next`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      status,
      name,
      // What Resend may put in a message: the address. It must not reach our error.
      message: 'The address reader-in-error@example.com cannot receive 314159',
    }),
  });
}

const from = (value: string) => parseMailbox(value) ?? { name: undefined, email: 'invalid' };

function codeMail(to: string, code = '314159'): MailMessage {
  return {
    to,
    subject: `${code} is your code for The Daily Example`,
    text: `Here is your code:\n\n    ${code}\n`,
    html: `<p>Here is your code: <b>${code}</b></p>`,
  };
}

async function failureOf(work: Promise<unknown>): Promise<MailError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailError);
  return error as MailError;
}

/** Nothing of the message in the error, however it is printed. */
function expectNothingPersonal(error: MailError, to: string, code = '314159') {
  for (const text of [error.message, String(error), JSON.stringify(error), String(error.cause)]) {
    expect(text).not.toContain(to);
    expect(text).not.toContain(to.split('@')[0]);
    expect(text).not.toContain(code);
    expect(text).not.toContain('reader-in-error');
  }
}

describe('the Resend mailer', () => {
  it('POSTs {from, to: [address], subject, text, html} as JSON with the key and an Idempotency-Key', async () => {
    const key = await newKey();
    const to = `reader-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const mailer = createResendMailer({
      apiKey: key,
      from: from('The Daily Example <news@example.com>'),
      baseUrl: URL_,
    });
    expect(mailer.kind).toBe('resend');
    await mailer.send(codeMail(to));
    await mailer.send({ ...codeMail(to, '271828'), idempotencyKey: 'code-record-42' });

    const [first, second, ...rest] = await recorded(key);
    expect(rest).toEqual([]);
    expect(first?.body).toEqual({
      from: 'The Daily Example <news@example.com>',
      to: [to],
      subject: '314159 is your code for The Daily Example',
      text: 'Here is your code:\n\n    314159\n',
      html: '<p>Here is your code: <b>314159</b></p>',
    });
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.headers['user-agent']).toBe('edge-paywall');
    expect(second?.headers['idempotency-key']).toBe('code-record-42');
  });

  it('sends once for one Idempotency-Key, however often send is called', async () => {
    const key = await newKey();
    const to = `reader-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const mailer = createResendMailer({
      apiKey: key,
      from: from('news@example.com'),
      baseUrl: URL_,
    });
    const message = { ...codeMail(to), idempotencyKey: `code-${crypto.randomUUID()}` };
    await mailer.send(message);
    await mailer.send(message);
    expect(await recorded(key)).toHaveLength(1);
  });

  it('quotes a sender name that holds a comma, and Resend accepts it', async () => {
    const key = await newKey();
    const mailer = createResendMailer({
      apiKey: key,
      from: from('"The Daily, Example" <news@example.com>'),
      baseUrl: URL_,
    });
    await mailer.send(codeMail('reader@example.com'));
    expect((await recorded(key))[0]?.body.from).toBe('"The Daily, Example" <news@example.com>');
  });

  it('throws a MailError for a 422, naming the status and Resend’s error name only', async () => {
    const key = await newKey();
    const to = 'not-an-address-314159';
    const mailer = createResendMailer({
      apiKey: key,
      from: from('news@example.com'),
      baseUrl: URL_,
    });
    const error = await failureOf(mailer.send(codeMail(to)));
    expect(error.message).toBe('resend: HTTP 422 validation_error');
    expectNothingPersonal(error, to);
    expect(await recorded(key)).toEqual([]);
  });

  it('throws a MailError for an unknown key (403) and a refused one (401)', async () => {
    const to = `reader-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const unknown = createResendMailer({
      apiKey: `re_unknown_${crypto.randomUUID().slice(0, 8)}`,
      from: from('news@example.com'),
      baseUrl: URL_,
    });
    const forbidden = await failureOf(unknown.send(codeMail(to)));
    expect(forbidden.message).toBe('resend: HTTP 403 invalid_api_key');
    expectNothingPersonal(forbidden, to);

    const key = await newKey();
    await failNext(key, 401, 'restricted_api_key');
    const mailer = createResendMailer({
      apiKey: key,
      from: from('news@example.com'),
      baseUrl: URL_,
    });
    const unauthorized = await failureOf(mailer.send(codeMail(to)));
    expect(unauthorized.message).toBe('resend: HTTP 401 restricted_api_key');
    expectNothingPersonal(unauthorized, to);
  });

  it('throws a MailError for a 500 and a 429, without Resend’s message', async () => {
    const key = await newKey();
    const to = `reader-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const mailer = createResendMailer({
      apiKey: key,
      from: from('news@example.com'),
      baseUrl: URL_,
    });
    await failNext(key, 500, 'application_error');
    const failed = await failureOf(mailer.send(codeMail(to)));
    expect(failed.message).toBe('resend: HTTP 500 application_error');
    expectNothingPersonal(failed, to);
    await failNext(key, 429, 'rate_limit_exceeded');
    const limited = await failureOf(mailer.send(codeMail(to)));
    expect(limited.message).toBe('resend: HTTP 429 rate_limit_exceeded');
    expect(await recorded(key)).toEqual([]);
    // The stand-in failed one request each time: the next one goes through.
    await mailer.send(codeMail(to));
    expect(await recorded(key)).toHaveLength(1);
  });

  it('throws a MailError when nothing listens (a closed port)', async () => {
    const to = `reader-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const mailer = createResendMailer({
      apiKey: 're_test_local',
      from: from('news@example.com'),
      baseUrl: env.TEST_CLOSED_URL,
    });
    const error = await failureOf(mailer.send(codeMail(to)));
    expect(error.message).toBe('resend: the API could not be reached');
    expectNothingPersonal(error, to);
  });

  it('throws a MailError after its time limit when the API never answers', async () => {
    const to = `reader-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const mailer = createResendMailer({
      apiKey: 're_test_local',
      from: from('news@example.com'),
      baseUrl: env.TEST_HANGING_URL,
      timeoutMs: 200,
    });
    const error = await failureOf(mailer.send(codeMail(to)));
    expect(error.message).toBe('resend: no answer within 200 ms');
    expectNothingPersonal(error, to);
  });

  it('reads a 2xx without a JSON body as sent, and a non-JSON error as its status alone', async () => {
    const calls: Request[] = [];
    const answer = (status: number, body: string) =>
      createResendMailer({
        apiKey: 're_x',
        from: from('news@example.com'),
        baseUrl: 'https://api.example.test/',
        fetch: async (input, init) => {
          calls.push(new Request(input, init));
          return new Response(body, { status });
        },
      });
    await answer(202, '').send(codeMail('reader@example.com'));
    expect(calls[0]?.url).toBe('https://api.example.test/emails');
    const error = await failureOf(answer(502, '<html>bad gateway</html>').send(codeMail('a@b.co')));
    expect(error.message).toBe('resend: HTTP 502');
  });
});
