/// <reference types="node" />
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The test runs' guard against personal data in logs: every line the worker writes while the
 * suites run (at LOG_LEVEL=info, the most verbose) is scanned, and a line that holds one of the
 * shapes below fails the run. Runs in Node (vitest's main process), never in the worker.
 *
 * What each pattern matches, and why it does not match what logs legitimately hold:
 * - email: `local@domain.tld`. Package scopes (`@upstash/redis`) have no local part.
 * - ipv4: four dotted octets, each 0-255 (checked by node:net). Loopback is matched too: in
 *   tests the reader's address (CF-Connecting-IP) is often 127.0.0.1, so a leak shows as that.
 * - ipv6: a run of hex digits and colons (and a dotted tail) that node:net accepts as IPv6 and
 *   that has `::` or seven colons. Times (`00:49:13`) have neither, and are no IPv6 anyway.
 * - stripe_id: `cus_`, `sub_`, `cs_` (also `cs_test_`/`cs_live_`), `pi_`, `in_` and 8+ id
 *   characters holding a digit or a capital. Snake-case words (`in_progress`, `sub_expired`)
 *   are all lowercase letters, so they are not ids.
 * - jwt: three base64url parts whose first starts `eyJ` (every JOSE header is a JSON object,
 *   so its base64url starts `eyJ`). Hostnames and dotted names have no such first part.
 * - reader_id: the signed shape `<22 base64url>.<43 base64url>` (src/reader/reader-id.ts), as
 *   a whole token. A bare 22-character id is not matched: it cannot be told from other tokens.
 * - code: a sign-in code is six digits (src/identity/code-format.ts). Six digits alone are as
 *   likely a count or a duration, so a code is matched only where the line says so: the word
 *   "code" (as a word, or `Code` inside a camelCase name like `signInCode`, `code=`, `"code":`) followed within a few non-digit
 *   characters by six digits (or 3+3 with a space or hyphen, as the e-mail shows it), not part
 *   of a longer number; or a JSON string value of exactly six digits (`"x":"123456"`), since
 *   the logger writes counts as numbers, not strings.
 * - session_id: a `session_id`/`sessionId` key (query parameter, JSON field, `key=value`) with
 *   a non-empty value other than null/undefined.
 *
 * UUIDs (request ids), ISO timestamps, durations and counts match none of them (see the unit
 * test's table, tests/unit/support/pii-scan.test.ts).
 */
export interface PiiFinding {
  pattern: PiiPattern;
  /** The match with all but its first characters hidden: safe to print. */
  masked: string;
}

export type PiiPattern =
  | 'email'
  | 'ipv4'
  | 'ipv6'
  | 'stripe_id'
  | 'jwt'
  | 'reader_id'
  | 'code'
  | 'session_id';

const B64 = '[A-Za-z0-9_-]';
const PATTERNS: readonly { name: PiiPattern; regex: RegExp; valid?: (match: string) => boolean }[] =
  [
    {
      name: 'email',
      regex: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    },
    {
      name: 'jwt',
      regex: new RegExp(`(?<!${B64})eyJ${B64}+\\.${B64}+\\.${B64}*`, 'g'),
    },
    {
      name: 'reader_id',
      regex: new RegExp(`(?<![A-Za-z0-9_.-])${B64}{22}\\.${B64}{43}(?![A-Za-z0-9_-])`, 'g'),
    },
    {
      name: 'stripe_id',
      regex: /(?<![A-Za-z0-9])(?:cus|sub|pi|in|cs(?:_test|_live)?)_[A-Za-z0-9]{8,}(?![A-Za-z0-9])/g,
      valid: (match) => /[0-9A-Z]/.test(match.slice(match.lastIndexOf('_') + 1)),
    },
    {
      name: 'ipv4',
      regex: /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.]*\d)/g,
      valid: (match) => isIPv4(match),
    },
    {
      name: 'ipv6',
      regex: /(?<![\w:.])[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?![\w:])/g,
      valid: (match) => {
        const candidate = match.replace(/\.$/, '');
        if (candidate === '::') return false;
        const colons = candidate.split(':').length - 1;
        return (candidate.includes('::') || colons >= 7) && isIPv6(candidate);
      },
    },
    {
      name: 'code',
      regex:
        /(?:(?<![A-Za-z])(?:code|CODE)|Code)[^0-9\n]{0,12}?(?<!\d)\d{3}[ -]?\d{3}(?!\d)|"\d{6}"/g,
    },
    {
      name: 'session_id',
      regex: /session_?id["']?\s*[:=]\s*["']?(?!null\b|undefined\b)[^\s"'&,;}]+/gi,
    },
  ];

/** Every finding in one log line (empty when the line is clean). */
export function scanLine(line: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const { name, regex, valid } of PATTERNS) {
    for (const match of line.matchAll(regex)) {
      const text = match[0];
      if (valid && !valid(text)) continue;
      findings.push({ pattern: name, masked: mask(text) });
    }
  }
  return findings;
}

/** At most the first three characters and the length: enough to find it, not to use it. */
export function mask(secret: string): string {
  return `${secret.slice(0, Math.min(3, Math.floor(secret.length / 3)))}… (${secret.length} chars)`;
}

/** One offending line, as the run's failure reports it. */
export interface PiiReport {
  /** Where the line came from: a test file, or a process (e.g. "wrangler dev (examples)"). */
  source: string;
  findings: PiiFinding[];
}

/** Collects the offending lines of one log stream (or of several, each named by its source). */
export class LogScan {
  readonly reports: PiiReport[] = [];
  lines = 0;

  /** Scans a chunk of log output (one or more lines) written while `source` ran. */
  feed(source: string, chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      this.lines += 1;
      const findings = scanLine(line);
      if (findings.length > 0) this.reports.push({ source, findings });
    }
  }

  /** The verdict text, or undefined when no line held personal data. */
  verdict(): string | undefined {
    const { reports, lines } = this;
    if (reports.length === 0) return undefined;
    const rows = reports
      .slice(0, 50)
      .map(
        ({ source, findings }) =>
          `  ${source}: ${findings.map((f) => `${f.pattern} ${f.masked}`).join(', ')}`,
      );
    const more = reports.length > 50 ? [`  … and ${reports.length - 50} more lines`] : [];
    return [
      `Personal data in logs: ${reports.length} of ${lines} captured log lines (tests/support/pii-scan.ts).`,
      ...rows,
      ...more,
      'Run with PAYWALL_TEST_LOGS=all to print every captured line.',
    ].join('\n');
  }
}

/**
 * What one vitest process collected. Kept on globalThis: vitest loads the config (where
 * onConsoleLog runs) and the globalSetup files (where the run is judged) as separate module
 * instances in the same process.
 */
const KEY = Symbol.for('edge-paywall.pii-scan');
function processScan(): LogScan {
  const holder = globalThis as unknown as Record<symbol, LogScan | undefined>;
  holder[KEY] ??= new LogScan();
  return holder[KEY];
}

/** Whether captured log lines are printed as well (`PAYWALL_TEST_LOGS=all`). */
export const printCapturedLogs = (): boolean => process.env.PAYWALL_TEST_LOGS === 'all';

/** Scans a chunk of log output into this process's collection (see failRunOnPii). */
export function recordLog(source: string, chunk: string): void {
  processScan().feed(source, chunk);
}

/** This process's verdict text, or undefined when no line held personal data. */
export function piiVerdict(): string | undefined {
  return processScan().verdict();
}

/**
 * Fails the vitest run (exit code 1) when any captured line held personal data, printing which
 * source and which pattern. Call from a globalSetup's teardown, after every test has run.
 */
export function failRunOnPii(): void {
  const verdict = piiVerdict();
  if (verdict === undefined) return;
  process.stderr.write(`\n${verdict}\n\n`);
  process.exitCode = 1;
}
