export { DEFAULT_COPY, type PromptCopy, type PromptCopyInput, promptCopySchema } from './copy';
export { formatMoney } from './format';
export {
  CHECKOUT_ACTION,
  type MeterNoticeInput,
  PORTAL_ACTION,
  PROMPT_ID,
  type PromptInput,
  type PromptMeter,
  renderMeterNotice,
  renderPrompt,
} from './render';
export { PROMPT_CSS, PROMPT_STYLES, renderStyles } from './styles';
