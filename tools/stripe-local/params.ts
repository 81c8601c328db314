import { invalidParam, missingParam } from './errors';
import type { FormObject, FormValue } from './form';

// Typed readers over decoded parameters, failing the way Stripe does: the error names the
// full parameter path (`line_items[0][price_data][currency]`), so a test that sends a bad
// value sees the same `param` it would see from Stripe.

export class Params {
  constructor(
    readonly data: FormObject,
    private readonly prefix = '',
  ) {}

  /** `line_items[0][price]` for key `price` under prefix `line_items[0]`. */
  path(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  has(key: string): boolean {
    return this.data[key] !== undefined;
  }

  string(key: string): string | undefined {
    const value = this.data[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw invalidParam(
        this.path(key),
        `Invalid string: ${describe(value)}`,
        'parameter_invalid_string',
      );
    }
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === '') throw missingParam(this.path(key));
    return value;
  }

  /** An empty string means "unset" for nullable fields: answers null. */
  nullableString(key: string): string | null | undefined {
    const value = this.string(key);
    return value === '' ? null : value;
  }

  int(key: string, bounds: { min?: number; max?: number } = {}): number | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw invalidParam(this.path(key), `Invalid integer: ${raw}`, 'parameter_invalid_integer');
    }
    const value = Number(raw);
    if (bounds.min !== undefined && value < bounds.min) {
      throw invalidParam(
        this.path(key),
        `This value must be greater than or equal to ${bounds.min}.`,
        'parameter_invalid_integer',
      );
    }
    if (bounds.max !== undefined && value > bounds.max) {
      throw invalidParam(
        this.path(key),
        `This value must be less than or equal to ${bounds.max}.`,
        'parameter_invalid_integer',
      );
    }
    return value;
  }

  bool(key: string): boolean | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (raw !== 'true' && raw !== 'false') {
      throw invalidParam(this.path(key), `Invalid boolean: ${raw}`);
    }
    return raw === 'true';
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (!(values as readonly string[]).includes(raw)) {
      throw invalidParam(
        this.path(key),
        `Invalid ${key}: must be one of ${values.join(', ')}`,
        'parameter_invalid_string',
      );
    }
    return raw as T;
  }

  object(key: string): Params | undefined {
    const value = this.data[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string' || Array.isArray(value)) {
      throw invalidParam(this.path(key), `Invalid hash`, 'parameter_invalid_hash');
    }
    return new Params(value, this.path(key));
  }

  /** An array of hashes, e.g. `line_items`. */
  objects(key: string): Params[] | undefined {
    const value = this.data[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value))
      throw invalidParam(this.path(key), `Invalid array`, 'parameter_invalid_array');
    return value.map((item, i) => {
      if (typeof item === 'string' || Array.isArray(item)) {
        throw invalidParam(`${this.path(key)}[${i}]`, `Invalid hash`, 'parameter_invalid_hash');
      }
      return new Params(item, `${this.path(key)}[${i}]`);
    });
  }

  /** An array of strings, e.g. `expand`. A single string counts as a one-item array. */
  strings(key: string): string[] {
    const value = this.data[key];
    if (value === undefined || value === '') return [];
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value))
      throw invalidParam(this.path(key), `Invalid array`, 'parameter_invalid_array');
    return value.map((item, i) => {
      if (typeof item !== 'string') {
        throw invalidParam(`${this.path(key)}[${i}]`, `Invalid string`, 'parameter_invalid_string');
      }
      return item;
    });
  }

  /**
   * Metadata with Stripe's limits (50 keys, key ≤ 40 chars, value ≤ 500 chars). On update an
   * empty value deletes the key and `metadata=` clears all of it, so this returns the
   * patch: null values are deletions, and `null` as a whole means "clear".
   */
  metadata(key = 'metadata'): Record<string, string | null> | null | undefined {
    const value = this.data[key];
    if (value === undefined) return undefined;
    if (value === '') return null;
    if (typeof value === 'string' || Array.isArray(value)) {
      throw invalidParam(this.path(key), 'Invalid hash', 'parameter_invalid_hash');
    }
    const entries = Object.entries(value);
    if (entries.length > 50) {
      throw invalidParam(this.path(key), 'You can specify up to 50 keys in metadata.');
    }
    const out: Record<string, string | null> = {};
    for (const [k, v] of entries) {
      const param = `${this.path(key)}[${k}]`;
      if (typeof v !== 'string')
        throw invalidParam(param, 'Invalid string', 'parameter_invalid_string');
      if (k.length > 40)
        throw invalidParam(param, 'Metadata keys can be at most 40 characters long.');
      if (v.length > 500)
        throw invalidParam(param, 'Metadata values can be at most 500 characters long.');
      out[k] = v === '' ? null : v;
    }
    return out;
  }
}

/** Metadata on create: deletions (empty values) mean nothing yet, so they are dropped. */
export function createMetadata(
  patch: Record<string, string | null> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(patch ?? {})) if (v !== null) out[k] = v;
  return out;
}

function describe(value: FormValue): string {
  return Array.isArray(value) ? 'array' : 'hash';
}
