import { escapeHtml as e } from '../html/escape';
import type { MailMessage } from './mailer';

/**
 * The e-mail that carries a sign-in code. Plain text first, plus a small HTML part with
 * inline styles only: no images, no remote resources, no links at all (so nothing to track
 * and nothing to phish with), every value escaped.
 *
 * The code is in the subject, first: phones show the subject in the notification, so the
 * reader can type the code without opening the mail, and a subject cut short still shows it.
 * Putting it there is what most services do; what a lock screen shows is a code that works
 * for minutes, once, and only in the browser that asked for it.
 */
export type SignInPurpose = 'access' | 'register' | 'sign-in';

export interface SignInCodeInput {
  /** The recipient, already validated. */
  to: string;
  siteName: string;
  /** Digits only (a 6-digit code). */
  code: string;
  /** How long the code works. */
  minutes: number;
  purpose: SignInPurpose;
}

const FIRST_LINE: Record<SignInPurpose, (site: string) => string> = {
  access: (site) => `Here is your code to get access to ${site} on this device:`,
  register: (site) => `Here is your code to register with ${site}:`,
  'sign-in': (site) => `Here is your code to sign in to ${site}:`,
};

export const IGNORE_LINE = "If you didn't ask for this, you can ignore this e-mail.";

export function composeSignInCode(input: SignInCodeInput): MailMessage {
  if (!/^[0-9]{4,12}$/.test(input.code)) throw new TypeError('a sign-in code is digits only');
  if (!Number.isInteger(input.minutes) || input.minutes < 1) {
    throw new TypeError('minutes must be a positive whole number');
  }
  // One line, no control characters: the name goes into a header and into text.
  const site = input.siteName.replace(/[\p{Cc}\s]+/gu, ' ').trim();
  const first = FIRST_LINE[input.purpose](site);
  const lifetime = `It works for ${input.minutes} ${input.minutes === 1 ? 'minute' : 'minutes'}.`;

  const text = [
    first,
    '',
    `    ${input.code}`,
    '',
    lifetime,
    '',
    IGNORE_LINE,
    '',
    `${site}`,
    '',
  ].join('\n');

  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${e(site)}</title>
  </head>
  <body style="margin:0;padding:24px;background:#ffffff;color:#1a1a1a;font:16px/1.5 Georgia,serif">
    <p style="margin:0 0 16px">${e(first)}</p>
    <p style="margin:0 0 16px;font:bold 32px/1.2 Menlo,Consolas,monospace;letter-spacing:6px">${e(input.code)}</p>
    <p style="margin:0 0 16px">${e(lifetime)}</p>
    <p style="margin:0 0 16px;color:#555555">${e(IGNORE_LINE)}</p>
    <p style="margin:0;color:#555555">${e(site)}</p>
  </body>
</html>
`;

  return { to: input.to, subject: `${input.code} is your code for ${site}`, text, html };
}
