/**
 * Structured logs. Callers pass only non-personal fields: codes, reasons, durations,
 * request ids. Never emails, IPs, tokens, cookie values, reader ids or card data.
 */
type Level = 'info' | 'warn' | 'error';
type Field = string | number | boolean | null | undefined;

export function logEvent(level: Level, event: string, fields: Record<string, Field> = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
