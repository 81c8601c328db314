/**
 * Structured logs. Callers pass only non-personal fields: codes, reasons, durations,
 * request ids. Never emails, IPs, tokens, cookie values, reader ids or card data.
 */
type Level = 'info' | 'warn' | 'error';
type Field = string | number | boolean | null | undefined;
export const LOG_LEVELS = ['info', 'warn', 'error', 'off'] as const;
const RANK: Record<(typeof LOG_LEVELS)[number], number> = { info: 0, warn: 1, error: 2, off: 3 };

let threshold = RANK.info;

/** Set once at the worker entry from LOG_LEVEL (tests run at info and scan every line for personal data). */
export function setLogLevel(level: (typeof LOG_LEVELS)[number]): void {
  threshold = RANK[level];
}

export function logEvent(level: Level, event: string, fields: Record<string, Field> = {}): void {
  if (RANK[level] < threshold) return;
  const line = JSON.stringify({ level, event, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
