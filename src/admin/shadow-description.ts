import type { ShadowConfig } from '../access/shadow';

/** The shadow configuration in words, for the dashboard ("A limit of 5 free articles …"). */
export function describeShadow(shadow: ShadowConfig | null, liveLimit: number): string | undefined {
  if (!shadow) return undefined;
  const parts: string[] = [];
  if (shadow.meterLimit !== undefined && shadow.meterLimit !== liveLimit) {
    parts.push(`a limit of ${shadow.meterLimit} free articles instead of ${liveLimit}`);
  }
  if (shadow.rules !== undefined) {
    const premium = shadow.rules.filter((r) => r.access === 'premium').length;
    parts.push(
      `${shadow.rules.length} candidate rule${shadow.rules.length === 1 ? '' : 's'}` +
        (premium > 0 ? ` (${premium} premium)` : ''),
    );
  }
  if (parts.length === 0) return 'The candidate is the live configuration itself.';
  const text = parts.join(' and ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
