import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createMailer } from '../../src/mail/choose';
import { createCloudflareMailer } from '../../src/mail/cloudflare';
import { parseMailbox } from '../../src/mail/from';
import { MailError, type MailMessage } from '../../src/mail/mailer';
import { createKeys } from '../../src/redis/keys';

// The Cloudflare Email Service adapter: the structured message it hands the `send_email`
// binding (a recording fake typed as @cloudflare/workers-types declares `SendEmail`), and the
// real local binding miniflare provides (vitest.config.ts `email.send_email`), which checks
// the message and the binding's allowed recipients the way the deployed one does.

type Builder = Exclude<Parameters<SendEmail['send']>[0], EmailMessage>;

function recordingBinding(answer: (message: Builder) => Promise<EmailSendResult>) {
  const calls: Builder[] = [];
  const binding: SendEmail = {
    send: ((message: Builder) => {
      calls.push(message);
      return answer(message);
    }) as SendEmail['send'],
  };
  return { binding, calls };
}

const mailbox = (value: string) => parseMailbox(value) ?? { name: undefined, email: 'invalid' };

const codeMail = (to: string): MailMessage => ({
  to,
  subject: '424242 is your code for The Daily Example',
  text: 'Here is your code:\n\n    424242\n',
  html: '<p>Here is your code: <b>424242</b></p>',
});

async function failureOf(work: Promise<unknown>): Promise<MailError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailError);
  return error as MailError;
}

describe('the Cloudflare mailer with a recording binding', () => {
  it('hands the binding {from: {name, email}, to, subject, text, html}', async () => {
    const { binding, calls } = recordingBinding(async () => ({ messageId: '<1@example.com>' }));
    const mailer = createCloudflareMailer({
      binding,
      from: mailbox('The Daily Example <news@example.com>'),
    });
    expect(mailer.kind).toBe('cloudflare');
    await mailer.send({ ...codeMail('reader@example.com'), idempotencyKey: 'ignored-here' });
    expect(calls).toEqual([
      {
        from: { name: 'The Daily Example', email: 'news@example.com' },
        to: 'reader@example.com',
        subject: '424242 is your code for The Daily Example',
        text: 'Here is your code:\n\n    424242\n',
        html: '<p>Here is your code: <b>424242</b></p>',
      },
    ]);
  });

  it('passes a bare sender address as a string', async () => {
    const { binding, calls } = recordingBinding(async () => ({ messageId: '<1@example.com>' }));
    await createCloudflareMailer({ binding, from: mailbox('news@example.com') }).send(
      codeMail('reader@example.com'),
    );
    expect(calls[0]?.from).toBe('news@example.com');
  });

  it('turns a refusal into a MailError with Cloudflare’s code and nothing of the message', async () => {
    const { binding } = recordingBinding(async (m) => {
      throw Object.assign(new Error(`email to ${String(m.to)} not allowed`), {
        code: 'E_RECIPIENT_NOT_ALLOWED',
      });
    });
    const error = await failureOf(
      createCloudflareMailer({ binding, from: mailbox('news@example.com') }).send(
        codeMail('refused-reader@example.com'),
      ),
    );
    expect(error.message).toBe(
      'cloudflare: send_email refused the message (E_RECIPIENT_NOT_ALLOWED)',
    );
    expect(error.cause).toBeUndefined();
  });

  it('leaves out a code that is free text', async () => {
    const { binding } = recordingBinding(async () => {
      throw Object.assign(new Error('nope'), { code: 'reader@example.com' });
    });
    const error = await failureOf(
      createCloudflareMailer({ binding, from: mailbox('news@example.com') }).send(
        codeMail('reader@example.com'),
      ),
    );
    expect(error.message).toBe('cloudflare: send_email refused the message');
  });

  it('gives up after its time limit when the binding never answers', async () => {
    const { binding } = recordingBinding(() => new Promise<never>(() => {}));
    const error = await failureOf(
      createCloudflareMailer({ binding, from: mailbox('news@example.com'), timeoutMs: 100 }).send(
        codeMail('reader@example.com'),
      ),
    );
    expect(error.message).toBe('cloudflare: send_email gave no answer within 100 ms');
  });
});

describe('the Cloudflare mailer with miniflare’s send_email binding', () => {
  it('sends through the real local binding', async () => {
    const mailer = createCloudflareMailer({
      binding: env.TEST_SEND_EMAIL,
      from: mailbox('The Daily Example <news@example.com>'),
    });
    await expect(mailer.send(codeMail('reader@example.com'))).resolves.toBeUndefined();
  });

  it('is chosen by createMailer from MAILER=cloudflare and the binding object', async () => {
    const mailer = createMailer(
      {
        MAILER: 'cloudflare',
        MAIL_FROM: 'The Daily Example <news@example.com>',
        SEND_EMAIL: env.TEST_SEND_EMAIL,
        RESEND_API_KEY: undefined,
        RESEND_API_BASE: undefined,
      },
      { redis: {} as never, keys: createKeys('unused:'), timeoutMs: 100 },
    );
    expect(mailer?.kind).toBe('cloudflare');
    await mailer?.send(codeMail('reader@example.com'));
  });

  it('turns the binding’s refusal of a recipient into a MailError without the address', async () => {
    const mailer = createCloudflareMailer({
      binding: env.TEST_SEND_EMAIL_RESTRICTED,
      from: mailbox('news@example.com'),
    });
    await mailer.send(codeMail('allowed@example.com'));
    const error = await failureOf(mailer.send(codeMail('someone-else@example.com')));
    expect(error.message).toMatch(/^cloudflare: send_email refused the message/);
    expect(`${error.message} ${String(error.cause)}`).not.toMatch(/someone-else|424242/);
  });
});
