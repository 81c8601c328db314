// Redis reads option keywords in any case; ioredis-mock only in upper case (it tests
// `options.indexOf("NX")`), while @upstash/redis sends them in lower case ("nx", "px",
// "byscore", "withscores"...). Without this, `SET k v NX PX 1000` from the client would be
// stored with no expiry and no NX check. So keywords are upper-cased before the mock sees
// them, by position, so that a value which happens to spell a keyword (a member "nx") stays
// as it is.

interface OptionSpec {
  /** Index (0 = command name) of the first argument that may be a keyword. */
  from: number;
  /** Keyword → how many values follow it. */
  keywords: Record<string, number>;
  /** Keywords only lead the arguments (ZADD): stop at the first non-keyword. */
  leading?: boolean;
}

const EXPIRY = { EX: 1, PX: 1, EXAT: 1, PXAT: 1 };
const SCAN = { MATCH: 1, COUNT: 1, TYPE: 1 };

export const OPTION_SPECS: Record<string, OptionSpec> = {
  set: { from: 3, keywords: { NX: 0, XX: 0, GET: 0, KEEPTTL: 0, ...EXPIRY } },
  getex: { from: 2, keywords: { ...EXPIRY, PERSIST: 0 } },
  expire: { from: 3, keywords: { NX: 0, XX: 0, GT: 0, LT: 0 } },
  pexpire: { from: 3, keywords: { NX: 0, XX: 0, GT: 0, LT: 0 } },
  expireat: { from: 3, keywords: { NX: 0, XX: 0, GT: 0, LT: 0 } },
  pexpireat: { from: 3, keywords: { NX: 0, XX: 0, GT: 0, LT: 0 } },
  zadd: { from: 2, leading: true, keywords: { NX: 0, XX: 0, GT: 0, LT: 0, CH: 0, INCR: 0 } },
  zrange: { from: 4, keywords: { BYSCORE: 0, BYLEX: 0, REV: 0, WITHSCORES: 0, LIMIT: 2 } },
  zrangebyscore: { from: 4, keywords: { WITHSCORES: 0, LIMIT: 2 } },
  zrevrangebyscore: { from: 4, keywords: { WITHSCORES: 0, LIMIT: 2 } },
  zrangebylex: { from: 4, keywords: { LIMIT: 2 } },
  zrevrangebylex: { from: 4, keywords: { LIMIT: 2 } },
  zrevrange: { from: 4, keywords: { WITHSCORES: 0 } },
  zrandmember: { from: 3, keywords: { WITHSCORES: 0 } },
  hrandfield: { from: 3, keywords: { WITHVALUES: 0 } },
  scan: { from: 2, keywords: SCAN },
  sscan: { from: 3, keywords: SCAN },
  hscan: { from: 3, keywords: SCAN },
  zscan: { from: 3, keywords: SCAN },
  lpos: { from: 3, keywords: { RANK: 1, COUNT: 1, MAXLEN: 1 } },
  linsert: { from: 2, leading: true, keywords: { BEFORE: 0, AFTER: 0 } },
  lmove: { from: 3, keywords: { LEFT: 0, RIGHT: 0 } },
  bitcount: { from: 4, keywords: { BYTE: 0, BIT: 0 } },
};

/** The command with its option keywords in upper case; the input is not modified. */
export function normalizeOptions(command: string[]): string[] {
  const spec = OPTION_SPECS[(command[0] ?? '').toLowerCase()];
  if (!spec) return command;
  const out = command.slice();
  let i = spec.from;
  while (i < out.length) {
    const upper = (out[i] as string).toUpperCase();
    const values = spec.keywords[upper];
    if (values === undefined) {
      if (spec.leading) break;
      i += 1;
      continue;
    }
    out[i] = upper;
    i += 1 + values;
  }
  return out;
}

/**
 * The same table as Lua source, so that `redis.call` inside scripts normalizes alike.
 * Evaluates to `{ set = {3, false, {NX=0, ...}}, ... }`.
 */
export function optionSpecsAsLua(): string {
  const entries = Object.entries(OPTION_SPECS).map(([name, spec]) => {
    const keywords = Object.entries(spec.keywords)
      .map(([k, n]) => `${k}=${n}`)
      .join(',');
    return `${name}={${spec.from},${spec.leading ? 'true' : 'false'},{${keywords}}}`;
  });
  return `{${entries.join(',')}}`;
}
