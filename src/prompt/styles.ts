import { escapeHtml } from '../html/escape';

/**
 * Styles for the prompt (`.pw-prompt`) and the meter notice (`.pw-notice`). Every selector
 * starts with one of those two roots, so nothing here can restyle the site. The first rule
 * reverts the site's own element rules (`button {}`, `p {}`, `* {}`) inside our roots to the
 * browser's defaults; a site rule with an id or more classes can still win, which is the
 * price of not using a shadow root (declarative shadow DOM would hide the prompt entirely in
 * browsers without it).
 *
 * Colours (WCAG 2.x contrast ratios):
 *   text      #1f1f1f on #fbfaf7 (prompt) 15.79:1, on #ffffff (inputs, options) 16.48:1,
 *             on #eaf1f8 (selected option) 14.47:1, on #e8eef5 (notice) 14.11:1
 *   hints     #4d4d4d on #fbfaf7  8.10:1
 *   links     #0b5394 on #fbfaf7  7.51:1
 *   buttons   #ffffff on #0b5394  7.84:1 (hover #083d6e 11.04:1)
 *   borders   #767676 on #ffffff / #fbfaf7 4.54:1 / 4.35:1 (UI components need 3:1)
 *   focus     3px #1f1f1f outline, 2px offset, so it sits on the background (15.79:1)
 * Font family and size are inherited from the article. Targets are at least 44px tall.
 */
export const PROMPT_CSS = [
  '.pw-prompt,.pw-prompt *,.pw-notice,.pw-notice *{all:revert;box-sizing:border-box}',
  '.pw-prompt,.pw-notice{display:block;color:#1f1f1f;line-height:1.5;text-align:start}',
  '.pw-prompt{margin:2em 0;padding:clamp(16px,4vw,28px);background:#fbfaf7;border-top:4px solid #0b5394}',
  '.pw-prompt h2{margin:0 0 .5em;font-size:1.5em;line-height:1.2}',
  '.pw-prompt p{margin:0 0 1em}',
  '.pw-prompt .pw-lead{font-weight:700}',
  '.pw-prompt .pw-k,.pw-prompt legend{margin:0 0 .5em;padding:0;font-weight:700}',
  '.pw-prompt form{margin:0 0 1.5em}',
  '.pw-ps{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,11em),1fr));gap:12px;margin:0 0 1.5em}',
  '.pw-ps form{margin:0}',
  '.pw-prompt .pw-b{display:block;width:100%;min-height:44px;margin:0;padding:10px 16px;font:inherit;font-weight:700;color:#fff;background:#0b5394;border:0;border-radius:4px;cursor:pointer}',
  '.pw-prompt .pw-b:hover{background:#083d6e}',
  '.pw-b span{display:block;font-weight:400}',
  '.pw-c .pw-b{width:auto;min-width:min(100%,12em)}',
  '.pw-prompt fieldset{min-width:0;margin:0 0 1em;padding:0;border:0}',
  '.pw-o{display:flex;flex-wrap:wrap;gap:8px}',
  '.pw-prompt .pw-op{display:inline-flex;align-items:center;gap:8px;min-height:44px;padding:0 14px;background:#fff;border:1px solid #767676;border-radius:4px;cursor:pointer}',
  '.pw-prompt .pw-op:has(:checked){background:#eaf1f8;border-color:#0b5394;box-shadow:inset 0 0 0 1px #0b5394}',
  '.pw-prompt [type=radio]{width:24px;height:24px;margin:0;accent-color:#0b5394}',
  '.pw-prompt .pw-cl{display:block;margin:1em 0 .25em;font-weight:700}',
  '.pw-prompt [type=text]{width:min(100%,10em);min-height:44px;padding:8px 10px;font:inherit;color:#1f1f1f;background:#fff;border:1px solid #767676;border-radius:4px}',
  '.pw-prompt .pw-h{margin:.25em 0 0;font-size:.875em;color:#4d4d4d}',
  '.pw-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
  '.pw-prompt .pw-rs{margin:0;padding-top:1em;border-top:1px solid #d6d3cb}',
  '.pw-rs p{margin:0}',
  '.pw-prompt .pw-l{min-height:44px;margin:0;padding:8px 0;font:inherit;color:#0b5394;background:none;border:0;text-decoration:underline;cursor:pointer}',
  '.pw-prompt a{display:inline-block;padding:10px 0;color:#0b5394}',
  // The registration wall's offer, and the (empty) portal form its button names with `form=`.
  '.pw-prompt .pw-reg{padding:12px 16px;background:#eaf1f8}',
  '.pw-prompt a.pw-b{display:inline-block;width:auto;margin:0 0 .5em;color:#fff;text-align:center;text-decoration:none}',
  '.pw-prompt #pw-portal{display:none}',
  '.pw-prompt .pw-al{display:flex;flex-wrap:wrap;gap:0 1.5em;margin:0;padding:0;list-style:none}',
  '.pw-al li{display:flex;align-items:center}',
  '.pw-al form{margin:0}',
  '.pw-prompt :focus-visible,.pw-nx:focus-visible~.pw-nl{outline:3px solid #1f1f1f;outline-offset:2px}',
  // The notice: a transparent checkbox laid over its "Dismiss" label in one grid cell, so the
  // focusable control has the label's size; clicks pass through to the label, which toggles
  // it. Checking it hides every sibling with no script. Padding lives on the children, so the
  // dismissed notice collapses to nothing.
  '.pw-notice{display:grid;grid-template-columns:1fr auto;align-items:center;margin:0 0 1em;background:#e8eef5}',
  '.pw-notice p{margin:0;padding:8px 12px;border-inline-start:4px solid #0b5394}',
  '.pw-nx,.pw-nl{grid-area:1/2;min-height:44px;margin:4px 8px}',
  '.pw-notice .pw-nx{z-index:1;width:calc(100% - 16px);height:calc(100% - 8px);opacity:0;pointer-events:none}',
  '.pw-notice .pw-nl{display:flex;align-items:center;padding:0 12px;border:1px solid #1f1f1f;border-radius:4px;text-decoration:underline;cursor:pointer}',
  '.pw-nx:checked,.pw-nx:checked~*{display:none}',
].join('');

/** A `<style>` element for the page's `<head>` (or anywhere before the prompt). */
export function renderStyles(options: { nonce?: string } = {}): string {
  const nonce = options.nonce === undefined ? '' : ` nonce="${escapeHtml(options.nonce)}"`;
  return `<style${nonce}>${PROMPT_CSS}</style>`;
}

export const PROMPT_STYLES: string = renderStyles();
