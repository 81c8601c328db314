/**
 * The sender (MAIL_FROM): `news@example.com` or `The Daily Example <news@example.com>`.
 * Parsed once here so the env check (src/env.ts) and the adapters agree on what is valid.
 * Deliberately narrower than RFC 5322: a dot-atom local part, a domain of LDH labels with a
 * dot, and a display name without control characters, angle brackets or a quote inside.
 * This module stays free of Workers-only imports (src/env.ts runs in Node too).
 */
export interface Mailbox {
  /** The display name, or undefined when MAIL_FROM is a bare address. */
  name: string | undefined;
  email: string;
}

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A plain `local@domain` address as this service sends from. */
export function isSenderAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  return (
    local.length <= 64 &&
    LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label))
  );
}

/** `address` or `Name <address>` (the name may be double-quoted); null when neither. */
export function parseMailbox(value: string): Mailbox | null {
  const trimmed = value.trim();
  if (isSenderAddress(trimmed)) return { name: undefined, email: trimmed };
  const match = /^(.*?)\s*<([^<>]*)>$/.exec(trimmed);
  if (!match) return null;
  let name = (match[1] ?? '').trim();
  const email = match[2] ?? '';
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1);
  if (!isSenderAddress(email) || !isDisplayName(name)) return null;
  return { name, email };
}

function isDisplayName(name: string): boolean {
  return name.length > 0 && name.length <= 128 && !/[\p{Cc}<>"\\]/u.test(name);
}

/**
 * The mailbox as one header value, `Name <address>`, quoting the name when it holds a
 * character that has a meaning in an address list (RFC 5322 specials), e.g. a comma.
 */
export function formatMailbox(mailbox: Mailbox): string {
  if (mailbox.name === undefined) return mailbox.email;
  const name = /[()<>[\]:;@\\,."]/.test(mailbox.name) ? `"${mailbox.name}"` : mailbox.name;
  return `${name} <${mailbox.email}>`;
}
