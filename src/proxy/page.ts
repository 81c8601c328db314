import type { Decision } from '../access/policy';
import type { Offers } from '../billing/offers';
import { applyVariant } from '../experiments/apply';
import type { Variant } from '../experiments/config';
import { type PromptCopy, renderMeterNotice, renderPrompt } from '../prompt';
import type { PromptIdentity } from '../prompt/render';
import { PROMPT_STYLES } from '../prompt/styles';
import type { ProxyConfig } from './config';
import { type RewritePlan, rewriteArticle } from './rewrite';

/** The part of PAYWALL_CONFIG a page is made from. */
export interface ArticlePageConfig {
  offers: Offers;
  prompt: PromptCopy;
  leadParagraphs: number;
  proxy: ProxyConfig;
}

/**
 * Turns an access decision into the page the reader gets: which rewrite, which prompt, and
 * the meter notice, in one streaming pass.
 */
export function renderArticle(
  origin: Response,
  decision: Decision,
  ctx: {
    config: ArticlePageConfig;
    returnTo: string;
    url: string;
    identity?: PromptIdentity | undefined;
    /** The reader's prompt experiment variant; null or absent: the prompt as configured. */
    experiment?: Variant | null | undefined;
  },
): Response {
  const { config, returnTo } = ctx;
  const meter = decision.meter;
  // Fails closed: only an outright grant shows the page (a peek, or any answer this code
  // does not know, is walled).
  const granted = (decision.access as string) === 'granted';
  const mode: RewritePlan['mode'] = !granted
    ? 'walled'
    : decision.reason === 'verified_crawler'
      ? 'crawler'
      : 'granted';
  const promptHtml =
    mode === 'crawler'
      ? ''
      : renderPrompt({
          ...promptOf(config, ctx.experiment ?? null),
          returnTo,
          variant: mode === 'walled' ? 'wall' : 'support',
          meter: meter && { limit: meter.limit, used: meter.used, remaining: meter.remaining },
          identity: ctx.identity,
        });
  const noticeHtml =
    mode === 'granted' && meter && decision.reason === 'metered'
      ? renderMeterNotice({
          copy: config.prompt,
          remaining: meter.remaining,
          limit: meter.limit,
          resetsAt: meter.resetsAt,
        })
      : null;
  return rewriteArticle(origin, {
    mode,
    url: ctx.url,
    stylesHtml: PROMPT_STYLES,
    leadParagraphs: config.leadParagraphs,
    promptHtml,
    noticeHtml,
    config: config.proxy,
  });
}

/** The prompt's copy and offers as the reader's experiment variant shows them. */
function promptOf(config: ArticlePageConfig, variant: Variant | null) {
  const shown = applyVariant({ copy: config.prompt, offers: config.offers }, variant);
  return {
    copy: shown.copy,
    offers: shown.offers,
    lead: shown.lead,
    selectedPreset: shown.selectedPreset,
    experimentVariant: variant?.id,
  };
}
