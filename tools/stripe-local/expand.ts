import type { Account } from './account';
import { invalidParam } from './errors';
import { list, snapshot } from './objects/common';

// expand[]: replaces id strings with the objects they name, along dotted paths
// (`subscription.latest_invoice`, `data.customer` on lists), and fills the fields Stripe
// only includes on request (a session's `line_items`, an invoice's `payments`). A path
// through something that is not an id fails like Stripe: "This property cannot be
// expanded".

export function expand(acct: Account, root: unknown, paths: string[]): unknown {
  if (paths.length === 0) return root;
  const out = snapshot(root);
  for (const path of paths) walk(acct, out, path.split('.'), path);
  return out;
}

function walk(acct: Account, target: unknown, segments: string[], path: string): void {
  const [head, ...rest] = segments;
  if (!head || !target || typeof target !== 'object') return;
  const obj = target as Record<string, unknown>;
  if (obj.object === 'list' && head === 'data' && Array.isArray(obj.data)) {
    for (const item of obj.data) walk(acct, item, rest, path);
    return;
  }
  const included = includable(acct, obj, head);
  const value = obj[head];
  if (included !== undefined) {
    obj[head] = included;
  } else if (typeof value === 'string') {
    const found = acct.store.find(value);
    if (!found) throw cannotExpand(head, path);
    obj[head] = snapshot(found);
  } else if (value === null) {
    return;
  } else if (value === undefined || typeof value !== 'object') {
    throw cannotExpand(head, path);
  }
  if (rest.length > 0) walk(acct, obj[head], rest, path);
}

/** Fields Stripe leaves out unless expanded. */
function includable(acct: Account, obj: Record<string, unknown>, field: string): unknown {
  const id = String(obj.id);
  if (obj.object === 'checkout.session' && field === 'line_items') {
    const rec = acct.store.sessions.get(id);
    return rec
      ? list(snapshot(rec.lineItems), `/v1/checkout/sessions/${id}/line_items`)
      : undefined;
  }
  if (obj.object === 'invoice' && field === 'payments') {
    return list(snapshot(acct.store.invoicePaymentsOf(id)), `/v1/invoice_payments?invoice=${id}`);
  }
  return undefined;
}

function cannotExpand(field: string, path: string) {
  return invalidParam('expand', `This property cannot be expanded (${field}). Requested: ${path}.`);
}
