// Shared markup for the hosted pages: plain HTML and CSS, no JavaScript, so they work in
// any browser (and in a headless one driven by tests) and with the keyboard alone.

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `html\`<p>${name}</p>\`` escapes every interpolation except nested `raw()` fragments. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function render(value: unknown): string {
  if (value instanceof Raw) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** Amounts in minor units, formatted for the currency (no decimals for JPY and the like). */
export function money(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

export function date(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

const STYLE = `
  :root { color-scheme: light dark; --accent: #635bff; --bad: #c0392b; --muted: #6b7280; }
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; padding: 2rem 1rem; }
  main { max-width: 34rem; margin: 0 auto; }
  .badge { display: inline-block; font-size: .75rem; padding: .1rem .5rem; border-radius: 1rem;
           background: #fde68a; color: #78350f; font-weight: 600; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  td, th { padding: .4rem 0; text-align: left; border-bottom: 1px solid #d1d5db; }
  td.amount, th.amount { text-align: right; }
  fieldset { border: 1px solid #d1d5db; border-radius: .5rem; margin: 1rem 0; padding: .75rem 1rem; }
  label { display: block; margin: .35rem 0; cursor: pointer; }
  input[type=email] { width: 100%; padding: .5rem; font: inherit; }
  button { font: inherit; padding: .6rem 1.2rem; border-radius: .4rem; border: 0; cursor: pointer;
           background: var(--accent); color: #fff; }
  button.secondary { background: transparent; color: inherit; border: 1px solid currentColor; }
  button.danger { background: var(--bad); }
  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  .error { border: 1px solid var(--bad); color: var(--bad); padding: .75rem; border-radius: .4rem; }
  .muted { color: var(--muted); font-size: .9rem; }
  .row { display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; margin: 1rem 0; }
  form.inline { display: inline; }
  section { border-top: 1px solid #d1d5db; padding-top: 1rem; margin-top: 1rem; }
`;

export function page(title: string, body: Raw): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · stripe-local</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p><span class="badge">stripe-local · test mode</span></p>
${body.value}
</main>
</body>
</html>`;
}
