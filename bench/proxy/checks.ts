import { PROMPT_ID } from '../../src/prompt';

/**
 * What a correct answer looks like, so a fast run that served the wrong thing (a walled
 * page, a degraded decision, a truncated body, the origin's page untouched) counts as a
 * failure, not as throughput.
 */
export type PageCheck = (
  body: string,
  decision: string | undefined,
) => { label: string; ok: boolean };

/**
 * Granted and counted by the meter now, with the meter notice and the live prompt in place
 * of the static box, whole. The paywall JSON-LD is reported, not required: whether a granted
 * page's JSON-LD is merged with the paywall markup is the proxy's choice (src/proxy/rewrite.ts).
 */
export const rewrittenPage: PageCheck = (body, decision) => {
  if (decision !== 'granted; reason=metered')
    return { label: decision ?? 'no decision', ok: false };
  const missing = [
    ['notice', 'class="pw-notice"'],
    ['prompt', `id="${PROMPT_ID}"`],
    ['end', '</html>'],
  ].filter(([, marker]) => !body.includes(marker ?? ''));
  if (body.includes('class="support-box"')) missing.push(['static box still there', '']);
  if (missing.length > 0) {
    return { label: `missing ${missing.map(([name]) => name).join(', ')}`, ok: false };
  }
  const merged = body.includes('"isAccessibleForFree":false');
  return {
    label: `metered, notice + prompt, JSON-LD ${merged ? 'with paywall markup' : "as the origin's"}`,
    ok: true,
  };
};

/**
 * A returning reader's re-read, answered by the meter in Redis (`already_read`): granted, the
 * live prompt in place of the static box, whole; a re-read carries no meter notice
 * (src/proxy/page.ts shows it only on the read that counted).
 */
export const returningPage: PageCheck = (body, decision) => {
  if (decision !== 'granted; reason=already_read')
    return { label: decision ?? 'no decision', ok: false };
  const missing = [
    ['prompt', `id="${PROMPT_ID}"`],
    ['end', '</html>'],
  ].filter(([, marker]) => !body.includes(marker ?? ''));
  if (body.includes('class="support-box"')) missing.push(['static box still there', '']);
  if (body.includes('class="pw-notice"')) missing.push(['no notice expected', '']);
  if (missing.length > 0) {
    return { label: `missing ${missing.map(([name]) => name).join(', ')}`, ok: false };
  }
  return { label: 'already read (Redis), prompt', ok: true };
};

/** The origin's page as the origin sent it: whole, nothing of ours in it. */
export const untouchedPage: PageCheck = (body, decision) => {
  const ok =
    decision === undefined &&
    body.includes('class="support-box"') &&
    !body.includes('pw-notice') &&
    body.trimEnd().endsWith('</html>');
  return { label: ok ? 'untouched origin page' : 'not the origin page', ok };
};

/** The origin's page untouched, after a real decision that counted this read. */
export const gatedPage: PageCheck = (body, decision) =>
  decision === 'granted; reason=metered'
    ? untouchedPage(body, undefined)
    : { label: decision ?? 'no decision', ok: false };
