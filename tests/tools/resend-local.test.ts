import { env } from 'cloudflare:workers';
import { Resend } from 'resend';
import { describe, expect, it } from 'vitest';
import { parseMailbox } from '../../src/mail/from';
import { createResendMailer } from '../../src/mail/resend';
import type { RecordedEmail } from '../../tools/resend-local/server';

// Conformance of tools/resend-local with the real `resend` SDK (6.38.0, pinned), run inside
// workerd like the worker: the SDK is plain fetch, and its `baseUrl` option points it at the
// stand-in (RESEND_BASE_URL would too, but workerd has no process.env here). Each test makes
// its own API key on the stand-in, so what it reads back is only what it sent.

const URL_ = env.TEST_RESEND_URL;
const MAIN_KEY = env.TEST_RESEND_API_KEY;

async function newKey(): Promise<string> {
  const response = await fetch(`${URL_}/_local/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MAIN_KEY}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { apiKey: string }).apiKey;
}

async function recorded(key: string): Promise<RecordedEmail[]> {
  const response = await fetch(`${URL_}/_local/emails`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return ((await response.json()) as { data: RecordedEmail[] }).data;
}

const sdk = (key: string) => new Resend(key, { baseUrl: URL_ });
const unique = () => crypto.randomUUID().slice(0, 8);

describe('resend-local with the resend SDK', () => {
  it('accepts a send, answers { id }, and records the e-mail exactly as sent', async () => {
    const key = await newKey();
    const to = `reader-${unique()}@example.com`;
    const sent = await sdk(key).emails.send({
      from: 'The Daily Example <news@example.com>',
      to: [to],
      subject: '123456 is your code',
      text: 'Your code: 123456',
      html: '<p>Your code: 123456</p>',
    });
    expect(sent.error).toBeNull();
    expect(sent.data?.id).toMatch(/^[0-9a-f-]{36}$/);
    const id = sent.data?.id as string;

    const [one, ...rest] = await recorded(key);
    expect(rest).toEqual([]);
    expect(one?.id).toBe(id);
    expect(one?.body).toEqual({
      from: 'The Daily Example <news@example.com>',
      to: [to],
      subject: '123456 is your code',
      text: 'Your code: 123456',
      html: '<p>Your code: 123456</p>',
    });
    expect(one?.headers['content-type']).toMatch(/^application\/json/);
    expect(one?.headers['user-agent']).toMatch(/^resend-node:/);
  });

  it('records exactly what the SDK records for the same message from our adapter', async () => {
    const key = await newKey();
    const to = `reader-${unique()}@example.com`;
    const message = {
      to,
      subject: '654321 is your code for Ä "Daily", Example',
      text: 'Here is your code:\n\n    654321\n',
      html: '<p>Here is your code: <b>654321</b></p>',
    };
    const from = 'The Daily Example <news@example.com>';
    await createResendMailer({
      apiKey: key,
      from: parseMailbox(from) ?? { name: undefined, email: 'x' },
      baseUrl: URL_,
    }).send({ ...message, idempotencyKey: `ours-${unique()}` });
    const viaSdk = await sdk(key).emails.send(
      { from, ...message, to: [to] },
      { idempotencyKey: `sdk-${unique()}` },
    );
    expect(viaSdk.error).toBeNull();

    const [ours, theirs] = await recorded(key);
    expect(ours && theirs).toBeTruthy();
    expect(ours?.body).toEqual(theirs?.body);
    expect(ours?.headers['content-type']).toBe(theirs?.headers['content-type']);
    expect(ours?.headers['idempotency-key']).toMatch(/^ours-/);
    expect(theirs?.headers['idempotency-key']).toMatch(/^sdk-/);
  });

  it('replays a send with the same Idempotency-Key and body, and refuses another body', async () => {
    const key = await newKey();
    const idempotencyKey = `code-${unique()}`;
    const email = {
      from: 'news@example.com',
      to: `reader-${unique()}@example.com`,
      subject: 'once',
      text: 'once',
    };
    const first = await sdk(key).emails.send(email, { idempotencyKey });
    const again = await sdk(key).emails.send(email, { idempotencyKey });
    expect(again.data?.id).toBe(first.data?.id);
    expect(await recorded(key)).toHaveLength(1);

    const changed = await sdk(key).emails.send({ ...email, text: 'twice' }, { idempotencyKey });
    expect(changed.data).toBeNull();
    expect(changed.error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });

    const tooLong = await sdk(key).emails.send(email, { idempotencyKey: 'k'.repeat(257) });
    expect(tooLong.error).toMatchObject({ statusCode: 400, name: 'invalid_idempotency_key' });
    expect(await recorded(key)).toHaveLength(1);
  });

  it('answers Resend’s error shapes, which the SDK hands back as { statusCode, name, message }', async () => {
    const key = await newKey();
    const to = `reader-${unique()}@example.com`;
    const base = { from: 'news@example.com', to, subject: 's', text: 't' };

    const badFrom = await sdk(key).emails.send({ ...base, from: 'not an address' });
    expect(badFrom.error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(badFrom.error?.message).toMatch(/`from`/);

    const badTo = await sdk(key).emails.send({ ...base, to: 'nobody' });
    expect(badTo.error).toMatchObject({ statusCode: 422, name: 'validation_error' });

    const tooMany = await sdk(key).emails.send({
      ...base,
      to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`),
    });
    expect(tooMany.error).toMatchObject({ statusCode: 422, name: 'validation_error' });

    const noSubject = await sdk(key).emails.send({ ...base, subject: '' });
    expect(noSubject.error).toMatchObject({ statusCode: 422, name: 'missing_required_field' });

    const wrongKey = await sdk(`re_wrong_${unique()}`).emails.send(base);
    expect(wrongKey.error).toEqual({
      statusCode: 403,
      name: 'invalid_api_key',
      message: 'API key is invalid',
    });

    await failNext(key, { status: 500, name: 'application_error' });
    const failed = await sdk(key).emails.send(base);
    expect(failed.error).toMatchObject({ statusCode: 500, name: 'application_error' });
    // The failure was for one request only.
    expect((await sdk(key).emails.send(base)).error).toBeNull();

    expect(await recorded(key)).toHaveLength(1);
  });

  it('answers 401 without a key, 404 for a path it does not serve, 405 for a wrong method', async () => {
    const post = (path: string, headers: Record<string, string>, method = 'POST') =>
      fetch(`${URL_}${path}`, { method, headers, body: method === 'POST' ? '{}' : undefined });

    const noKey = await post('/emails', { 'content-type': 'application/json' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({
      statusCode: 401,
      name: 'missing_api_key',
      message: 'Missing API key in the authorization header.',
    });
    const auth = { authorization: `Bearer ${await newKey()}` };
    // Resend's own GET /emails/:id is not served: the worker never reads a sent e-mail back.
    for (const path of ['/nope', `/emails/${crypto.randomUUID()}`]) {
      const unknown = await post(path, auth, 'GET');
      expect(unknown.status, path).toBe(404);
      expect(await unknown.json()).toMatchObject({ statusCode: 404, name: 'not_found' });
    }
    for (const method of ['GET', 'DELETE']) {
      const wrong = await post('/emails', auth, method);
      expect(wrong.status, method).toBe(405);
      expect(await wrong.json()).toMatchObject({ statusCode: 405, name: 'method_not_allowed' });
    }
    const notJson = await fetch(`${URL_}/emails`, { method: 'POST', headers: auth, body: '{' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ statusCode: 400, name: 'validation_error' });
  });
});

async function failNext(key: string, spec: { status: number; name: string; count?: number }) {
  const response = await fetch(`${URL_}/_local/fail-next`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  expect(response.status).toBe(200);
}
