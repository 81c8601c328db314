import { invalidParam } from './errors';

// Stripe's form encoding, as the SDK writes it: `a[b][0][c]=x`, arrays by index
// (`line_items[0][price]`) or appended (`expand[]=x`, as curl users write), and the empty
// string meaning "unset" (left to the handlers, which know which fields allow it).

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Decodes an x-www-form-urlencoded body or query string into nested objects and arrays. */
export function decodeForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const match = KEY.exec(rawKey);
    const segments = match?.[1]
      ? [match[1], ...[...(match[2] ?? '').matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '')]
      : [rawKey];
    insert(root, segments, value, rawKey);
  }
  return normalize(root, '') as FormObject;
}

function insert(root: FormObject, segments: string[], value: string, rawKey: string): void {
  let node: FormObject = root;
  for (let i = 0; i < segments.length; i++) {
    let segment = segments[i] as string;
    if (FORBIDDEN.has(segment)) throw invalidParam(rawKey, `Invalid parameter name: ${rawKey}`);
    // `x[]` appends: the next free index in this container.
    if (segment === '') segment = String(Object.keys(node).length);
    const last = i === segments.length - 1;
    const existing = node[segment];
    if (last) {
      if (existing !== undefined && typeof existing !== 'string') {
        throw invalidParam(rawKey, `Invalid hash: ${rawKey} is given both as a value and a hash`);
      }
      node[segment] = value;
      return;
    }
    if (existing === undefined) node[segment] = {};
    else if (typeof existing === 'string') {
      throw invalidParam(rawKey, `Invalid hash: ${rawKey} is given both as a value and a hash`);
    }
    node = node[segment] as FormObject;
  }
}

/**
 * Objects whose keys are all indexes become arrays, in index order. Metadata is left alone:
 * `metadata[0]=x` is a key named "0", not an array.
 */
function normalize(value: FormValue, parentKey: string): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const out: FormObject = {};
  for (const key of keys) out[key] = normalize(value[key] as FormValue, key);
  const isArray =
    parentKey !== 'metadata' && keys.length > 0 && keys.every((k) => /^(0|[1-9]\d{0,5})$/.test(k));
  if (!isArray) return out;
  return keys
    .map(Number)
    .sort((a, b) => a - b)
    .map((k) => out[String(k)] as FormValue);
}

/**
 * JSON bodies (the control API, or a client that sends JSON) → the same shape, with
 * scalars as strings so one set of readers serves both encodings.
 */
export function fromJson(value: unknown): FormObject {
  const convert = (v: unknown): FormValue | undefined => {
    if (v === null || v === undefined) return undefined;
    if (Array.isArray(v)) return v.map(convert).filter((x): x is FormValue => x !== undefined);
    if (typeof v === 'object') {
      const out: FormObject = {};
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) {
        if (FORBIDDEN.has(k)) continue;
        const converted = convert(inner);
        if (converted !== undefined) out[k] = converted;
      }
      return out;
    }
    return String(v);
  };
  const converted = convert(value);
  return converted && typeof converted === 'object' && !Array.isArray(converted) ? converted : {};
}
