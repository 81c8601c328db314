import fc from 'fast-check';

/**
 * Arbitraries built from the served OpenAPI document's own JSON schemas (issue #13, item 2):
 * `validValue` for a value the schema accepts, `invalidValues` for values it refuses, each by
 * one mutation. Only the subset the document uses: $ref, object (properties, required,
 * additionalProperties: false, and oneOf/anyOf branches that only add `required`), string
 * (minLength, maxLength, pattern, enum, formats uri/ipv4/ipv6/date-time/email), integer and
 * number (minimum, maximum), boolean, array, anyOf/oneOf of alternatives, and null.
 *
 * Runs inside workerd: no schema compiler (ajv compiles with new Function, which workerd
 * forbids), the schema is read directly.
 */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
};

/** Generated strings stay short (a valid body stays well under every size limit). */
const LONGEST = 24;

export class SchemaArbitraries {
  constructor(private readonly schemas: Record<string, Schema>) {}

  resolve(schema: Schema): Schema {
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = this.schemas[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return this.resolve(target);
  }

  /** A value the schema accepts. `overrides`: fields whose rule the document states in prose. */
  validValue(
    raw: Schema,
    overrides: Record<string, fc.Arbitrary<unknown>> = {},
  ): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const branches =
      schema.type === undefined || schema.type === 'object'
        ? undefined
        : (schema.anyOf ?? schema.oneOf);
    if (branches && !schema.properties) return fc.oneof(...branches.map((b) => this.validValue(b)));
    if ((schema.anyOf || schema.oneOf) && !schema.properties && !schema.type) {
      return fc.oneof(...(schema.anyOf ?? schema.oneOf ?? []).map((b) => this.validValue(b)));
    }
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (schema.nullable || (Array.isArray(schema.type) && schema.type.includes('null'))) {
      return fc.oneof(fc.constant(null), this.validValue({ ...schema, nullable: false, type }));
    }
    switch (type ?? (schema.properties ? 'object' : undefined)) {
      case 'object':
        return this.object(schema, overrides);
      case 'string':
        return this.string(schema);
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
      case 'number':
        return fc.double({
          min: schema.minimum ?? -1e6,
          max: schema.maximum ?? 1e6,
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(this.validValue(schema.items ?? {}), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 3, 3),
        });
      case 'null':
        return fc.constant(null);
      default:
        return fc.constant('x');
    }
  }

  private string(schema: Schema): fc.Arbitrary<string> {
    const min = schema.minLength ?? 0;
    const max = Math.max(min, Math.min(schema.maxLength ?? LONGEST, LONGEST));
    const fits = (s: string) =>
      [...s].length >= min && [...s].length <= (schema.maxLength ?? Infinity);
    switch (schema.format) {
      case 'uri':
        return fc.webUrl().filter(fits);
      case 'ipv4':
        return fc.ipV4();
      case 'ipv6':
        return fc.ipV6();
      case 'date-time':
        return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      case 'email':
        return fc.emailAddress().filter(fits);
    }
    if (schema.pattern) {
      const re = new RegExp(schema.pattern, 'u');
      let arb: fc.Arbitrary<string>;
      try {
        arb = fc.stringMatching(re);
      } catch {
        // A pattern fast-check cannot generate from (e.g. \p{…}): printable text, filtered.
        arb = fc.string({ unit: 'grapheme', minLength: min, maxLength: max });
      }
      return arb.filter((s) => re.test(s) && fits(s) && [...s].length <= max);
    }
    return fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max }).filter(fits);
  }

  /**
   * The ways an object can satisfy its oneOf/anyOf `required` branches: for each, the fields it
   * must have and (oneOf) the fields it must not (those only another branch requires).
   */
  alternatives(schema: Schema): { required: string[]; forbidden: string[] }[] {
    const own = (s: Schema): { required: string[]; forbidden: string[] }[] => {
      const list = s.oneOf ?? s.anyOf;
      const base = s.required ?? [];
      if (!list) return [{ required: base, forbidden: [] }];
      const perBranch = list.map((b) => own(b));
      return perBranch.flatMap((alts, i) => {
        const others = s.oneOf
          ? perBranch.flatMap((o, j) => (j === i ? [] : o.flatMap((a) => a.required)))
          : [];
        return alts.map((a) => ({
          required: [...base, ...a.required],
          forbidden: [...a.forbidden, ...others.filter((f) => !a.required.includes(f))],
        }));
      });
    };
    return own(schema);
  }

  private object(
    schema: Schema,
    overrides: Record<string, fc.Arbitrary<unknown>>,
  ): fc.Arbitrary<unknown> {
    const props = schema.properties ?? {};
    return fc.constantFrom(...this.alternatives(schema)).chain(({ required, forbidden }) => {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, prop] of Object.entries(props)) {
        if (forbidden.includes(name)) continue;
        model[name] = overrides[name] ?? this.validValue(prop);
      }
      const requiredKeys = required.filter((k) => k in model);
      return fc.record(model, { requiredKeys });
    });
  }

  /**
   * Values the schema refuses, one mutation each, from a valid `base`: a required field
   * missing, a wrong type, out of range, too short or too long, off-pattern, an unknown enum
   * value, an extra property where additionalProperties is false. Nested objects too.
   * `forms`: every field is a string on the wire, so wrong types are left out.
   */
  invalidValues(
    raw: Schema,
    base: Record<string, unknown>,
    opts: { forms?: boolean; donors?: Record<string, unknown>[] } = {},
  ): { mutation: string; value: Record<string, unknown> }[] {
    const out: { mutation: string; value: Record<string, unknown> }[] = [];
    const visit = (schema: Schema, path: string[]) => {
      const s = this.resolve(schema);
      const here = get(base, path);
      if (typeof here !== 'object' || here === null) return;
      const alts = this.alternatives(s);
      for (const field of s.required ?? []) {
        if (alts.length === 1)
          out.push({
            mutation: `missing ${[...path, field].join('.')}`,
            value: without(base, [...path, field]),
          });
      }
      // oneOf branches that each require their own field(s): every branch's fields at once, and
      // none of them (the rule a schema library checks beyond types, e.g. plan | contribution).
      if (s.oneOf && alts.length > 1) {
        const fields = [...new Set(alts.flatMap((a) => a.required))].filter(
          (f) => !(s.required ?? []).includes(f),
        );
        let both = base;
        for (const f of fields) {
          if (get(base, [...path, f]) !== undefined) continue;
          // Taken from another valid value where that branch was chosen (so only the oneOf
          // rule is broken); generated from the field's schema when none has it.
          const donor = opts.donors?.map((d) => get(d, [...path, f])).find((v) => v !== undefined);
          const propRaw = s.properties?.[f];
          if (donor === undefined && !propRaw) continue;
          const v = donor ?? fc.sample(this.validValue(propRaw ?? {}), { seed: 1, numRuns: 1 })[0];
          both = set(both, [...path, f], v);
        }
        if (both !== base)
          out.push({ mutation: `every oneOf branch ${fields.join('+')}`, value: both });
        let none = base;
        for (const f of fields) {
          if (get(base, [...path, f]) !== undefined) none = without(none, [...path, f]);
        }
        if (none !== base)
          out.push({ mutation: `no oneOf branch ${fields.join('|')}`, value: none });
      }
      if (s.additionalProperties === false) {
        out.push({
          mutation: `extra property at ${path.join('.') || '(root)'}`,
          value: set(base, [...path, 'unexpectedField'], 'x'),
        });
      }
      for (const [name, propRaw] of Object.entries(s.properties ?? {})) {
        const prop = this.resolve(propRaw);
        const at = [...path, name];
        const label = at.join('.');
        const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
        if (!opts.forms && type) {
          const wrong = type === 'string' ? 12345 : type === 'object' ? 'a string' : 'a string';
          out.push({ mutation: `wrong type ${label}`, value: set(base, at, wrong) });
        }
        if (prop.enum)
          out.push({
            mutation: `unknown enum ${label}`,
            value: set(base, at, 'not-a-listed-value'),
          });
        if (type === 'string' && prop.maxLength !== undefined) {
          out.push({
            mutation: `too long ${label}`,
            value: set(base, at, 'a'.repeat(prop.maxLength + 1)),
          });
        }
        if (type === 'string' && (prop.minLength ?? 0) > 0 && !opts.forms) {
          out.push({ mutation: `too short ${label}`, value: set(base, at, '') });
        }
        if (type === 'string' && prop.pattern) {
          const re = new RegExp(prop.pattern, 'u');
          const off = ['a b', '!!', '\u0000'].find((c) => !re.test(c));
          if (off !== undefined)
            out.push({ mutation: `off-pattern ${label}`, value: set(base, at, off) });
        }
        if ((type === 'integer' || type === 'number') && prop.maximum !== undefined) {
          out.push({ mutation: `above maximum ${label}`, value: set(base, at, prop.maximum + 1) });
        }
        if ((type === 'integer' || type === 'number') && prop.minimum !== undefined) {
          out.push({ mutation: `below minimum ${label}`, value: set(base, at, prop.minimum - 1) });
        }
        if (type === 'integer')
          out.push({ mutation: `fraction ${label}`, value: set(base, at, 1.5) });
        if (
          prop.format === 'ipv4' ||
          prop.anyOf?.every((a) => a.format === 'ipv4' || a.format === 'ipv6')
        ) {
          out.push({ mutation: `not an address ${label}`, value: set(base, at, 'not-an-ip') });
        }
        if (prop.format === 'uri')
          out.push({ mutation: `not a uri ${label}`, value: set(base, at, 'not a uri') });
        if (type === 'object' && typeof get(base, at) === 'object') visit(prop, at);
      }
    };
    visit(raw, []);
    return out;
  }
}

function get(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
    value,
  );
}

function set(
  base: Record<string, unknown>,
  path: string[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(base);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1] as string] = value;
  return copy;
}

function without(base: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const copy = structuredClone(base);
  const parent = get(copy, path.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) {
    delete (parent as Record<string, unknown>)[path[path.length - 1] as string];
  }
  return copy;
}
