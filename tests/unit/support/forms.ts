/**
 * A tiny HTML reader, enough for our own flat markup: the tags and forms the prompt renders,
 * and what a browser with JavaScript off would send when one of those forms is submitted.
 */
export const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
export type Attrs = Record<string, string>;
export const attrsOf = (tag: string): Attrs =>
  Object.fromEntries(
    [...tag.matchAll(/\s([\w-]+)(?:="([^"]*)")?/g)].map((m) => [m[1], decode(m[2] ?? '')]),
  );
export const tags = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))].map((m) => attrsOf(m[0]));
export const formsOf = (html: string) =>
  [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((m) => ({
    attrs: attrsOf(m[1] ?? ''),
    html: m[2] ?? '',
    inputs: tags(m[2] ?? '', 'input'),
  }));
/** What the browser would send with JavaScript off, optionally typing into text fields. */
export const submit = (
  f: ReturnType<typeof formsOf>[number],
  typed: Record<string, string> = {},
) => {
  const body = new URLSearchParams();
  for (const i of f.inputs) {
    if (!i.name) continue;
    if (i.type === 'hidden') body.append(i.name, i.value ?? '');
    else if (i.type === 'radio' && 'checked' in i) body.append(i.name, i.value ?? '');
    else if (i.type === 'text') body.append(i.name, typed[i.name] ?? '');
  }
  return body;
};
