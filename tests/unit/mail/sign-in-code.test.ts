import { describe, expect, it } from 'vitest';
import { composeSignInCode, IGNORE_LINE, type SignInPurpose } from '../../../src/mail/sign-in-code';

// The sign-in code e-mail: what it says in both parts, that the HTML escapes everything it is
// given, and that it carries nothing remote (no images, no links).

const input = (over: Partial<Parameters<typeof composeSignInCode>[0]> = {}) =>
  composeSignInCode({
    to: 'reader@example.com',
    siteName: 'The Daily Example',
    code: '123456',
    minutes: 10,
    purpose: 'sign-in',
    ...over,
  });

/** The HTML part's text, roughly as a mail client shows it. */
const visible = (html: string) =>
  html
    .replace(/<head>[\s\S]*<\/head>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('composeSignInCode', () => {
  it('puts the code first in the subject, with the site name', () => {
    const mail = input();
    expect(mail.to).toBe('reader@example.com');
    expect(mail.subject).toBe('123456 is your code for The Daily Example');
  });

  it('says the code, the site, how long it works and the ignore line, in both parts', () => {
    const mail = input();
    for (const part of [mail.text, visible(mail.html)]) {
      expect(part).toContain('123456');
      expect(part).toContain('The Daily Example');
      expect(part).toContain('It works for 10 minutes.');
      expect(part).toContain(IGNORE_LINE);
    }
    expect(IGNORE_LINE).toBe("If you didn't ask for this, you can ignore this e-mail.");
    expect(mail.text).toMatch(/^ {4}123456$/m);
  });

  it('says "1 minute" for one minute', () => {
    expect(input({ minutes: 1 }).text).toContain('It works for 1 minute.');
  });

  it.each<[SignInPurpose, string]>([
    ['access', 'Here is your code to get access to The Daily Example on this device:'],
    ['register', 'Here is your code to register with The Daily Example:'],
    ['sign-in', 'Here is your code to sign in to The Daily Example:'],
  ])('changes only the first line for %s', (purpose, first) => {
    const mail = input({ purpose });
    const other = input({ purpose: purpose === 'access' ? 'register' : 'access' });
    expect(mail.text.split('\n')[0]).toBe(first);
    expect(visible(mail.html)).toContain(first);
    expect(mail.text.split('\n').slice(1)).toEqual(other.text.split('\n').slice(1));
    expect(mail.subject).toBe(other.subject);
  });

  it('escapes a hostile site name in the HTML and keeps it on one line in the subject', () => {
    const hostile = `<script>alert(1)</script><img src=x onerror="alert('x')">&amp;\r\nBcc: evil@example.com`;
    const mail = input({ siteName: hostile });
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toMatch(/onerror="/);
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('&amp;amp;');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain('Bcc: evil@example.com'); // as text, not a header
    expect(visible(mail.html)).toContain(`<script>alert(1)</script>`);
  });

  it('has no image, no remote resource and no link', () => {
    const { html, text } = input();
    expect(html).not.toMatch(/<img|<a\s|href=|src=|url\(|@import|<link|<script/i);
    expect(html).not.toMatch(/https?:/i);
    expect(text).not.toMatch(/https?:/i);
  });

  it('refuses a code that is not digits and a lifetime that is not whole minutes', () => {
    expect(() => input({ code: '<b>1</b>' })).toThrow(TypeError);
    expect(() => input({ code: '' })).toThrow(TypeError);
    expect(() => input({ minutes: 0 })).toThrow(TypeError);
    expect(() => input({ minutes: 2.5 })).toThrow(TypeError);
  });
});
