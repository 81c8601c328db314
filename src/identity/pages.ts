import { escapeHtml as e } from '../html/escape';
import { onSiteHref, pageShell } from '../html/page';
import { type Intent, SIGN_IN_ACTION, SIGN_OUT_ACTION, signInHref, VERIFY_ACTION } from './paths';

/**
 * The sign-in pages: plain forms that work without JavaScript, each field labelled, errors
 * announced (`role="alert"`) and tied to their field. Pure: every value is escaped here.
 */

const HEADINGS: Record<Intent, string> = {
  access: 'Get access on this device',
  register: 'Register for free',
  'sign-in': 'Sign in',
};

const LEADS: Record<Intent, string> = {
  access:
    'Supporting us already? Enter the e-mail address you paid with. We will send you a 6-digit code to read on this device too.',
  register:
    'Enter your e-mail address and we will send you a 6-digit code. Registered readers get more free articles, on every device they sign in on.',
  'sign-in':
    'Enter the e-mail address you registered or paid with. We will send you a 6-digit code.',
};

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${name}" value="${e(value)}">`;

/** The form's error, announced and tied to its field by `pw-err`; nothing without one. */
const fieldError = (error: string | undefined) =>
  error ? `<p class="pw-error" id="pw-err" role="alert">${e(error)}</p>` : '';

/** The intent and the way back, carried by every sign-in form. */
const carried = (intent: Intent, returnTo: string) =>
  `${hidden('intent', intent)}${hidden('returnTo', returnTo)}`;

export function addressPage(input: {
  intent: Intent;
  returnTo: string;
  error?: string | undefined;
}): string {
  const { intent, returnTo, error } = input;
  const described = error ? ' aria-describedby="pw-err" aria-invalid="true"' : '';
  return pageShell(
    HEADINGS[intent],
    `<h1>${e(HEADINGS[intent])}</h1>
      <p>${e(LEADS[intent])}</p>
      <form method="post" action="${SIGN_IN_ACTION}">
        ${carried(intent, returnTo)}
        <label for="pw-email">E-mail address</label>${fieldError(error)}
        <input type="email" id="pw-email" name="email" autocomplete="email" required maxlength="254"${described}>
        <button type="submit">Send me a code</button>
      </form>
      <p class="pw-hint">We keep no e-mail addresses: only a keyed fingerprint of yours, to recognise you next time.</p>
      <p><a href="${e(onSiteHref(returnTo))}">Back to the article</a></p>`,
  );
}

export function codePage(input: {
  intent: Intent;
  returnTo: string;
  error?: string | undefined;
}): string {
  const { intent, returnTo, error } = input;
  const described = error ? 'pw-err pw-ch' : 'pw-ch';
  return pageShell(
    'Enter your code',
    `<h1>Enter your code</h1>
      <p>If the address you gave can receive mail, a 6-digit code is on its way. It works for 10 minutes, once.</p>
      <form method="post" action="${VERIFY_ACTION}">
        ${carried(intent, returnTo)}
        <label for="pw-code">6-digit code</label>${fieldError(error)}
        <input type="text" id="pw-code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="64" aria-describedby="${described}"${error ? ' aria-invalid="true"' : ''}>
        <p class="pw-hint" id="pw-ch">Only this browser can use the code.</p>
        <button type="submit">Continue</button>
      </form>
      <p><a href="${e(signInHref(intent, returnTo))}">Send a new code</a></p>`,
  );
}

/** Shown on the sign-in page to a device that is already signed in. */
export function signedInPage(returnTo: string): string {
  return pageShell(
    'You are signed in',
    `<h1>You are signed in</h1>
      <p>This device is signed in to your account.</p>
      ${signOutForm(returnTo, 'Sign out of this device')}
      <p><a href="${e(onSiteHref(returnTo))}">Back to the article</a></p>`,
  );
}

export function signOutForm(returnTo: string, label = 'Sign out'): string {
  return `<form method="post" action="${SIGN_OUT_ACTION}">${hidden('returnTo', returnTo)}<button type="submit">${e(label)}</button></form>`;
}

/** A page with a message and ways on: `links` are built from escaped, on-site paths. */
export function noticePage(
  title: string,
  message: string,
  links: { href: string; label: string }[],
): string {
  const items = links
    .map((l) => `<p><a href="${e(onSiteHref(l.href))}">${e(l.label)}</a></p>`)
    .join('');
  return pageShell(title, `<h1>${e(title)}</h1><p>${e(message)}</p>${items}`);
}
