// Checks redis-server makes and ioredis-mock skips. Without them the mock answers wrongly
// instead of with an error: INCR on "abc" stores "NaN" and returns NaN, SADD on a string key
// throws a TypeError from inside the mock. Each check reads the mock's data synchronously,
// so a command is validated and run in the same tick and stays atomic.

/** The part of ioredis-mock's per-instance store these checks read. */
export interface MockData {
  has(key: string): boolean;
  get(key: string): unknown;
}

type KeyType = 'string' | 'list' | 'set' | 'zset' | 'hash';

const FAMILIES: Record<KeyType, string> = {
  string:
    'get getset getdel getex append strlen getrange setrange substr incr incrby decr decrby ' +
    'incrbyfloat getbit setbit bitcount bitpos',
  list:
    'lpush rpush lpushx rpushx lpop rpop llen lrange lindex lset lrem ltrim linsert lpos ' +
    'rpoplpush lmove',
  set: 'sadd srem scard sismember smismember smembers spop srandmember sscan smove sinter sunion sdiff',
  zset:
    'zadd zrem zcard zscore zmscore zincrby zrange zrangebyscore zrevrange zrevrangebyscore ' +
    'zrangebylex zrevrangebylex zrank zrevrank zcount zlexcount zremrangebyscore ' +
    'zremrangebyrank zremrangebylex zpopmin zpopmax zscan zrandmember',
  hash:
    'hset hsetnx hget hmget hmset hgetall hdel hlen hexists hkeys hvals hincrby hincrbyfloat ' +
    'hstrlen hscan hrandfield',
};

/** Command → the type its (first) key must hold. Also compiled into the Lua wrapper. */
export const FAMILY_OF = new Map<string, KeyType>(
  Object.entries(FAMILIES).flatMap(([type, names]) =>
    names.split(' ').map((n) => [n, type as KeyType]),
  ),
);

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const SYNTAX = 'ERR syntax error';

/** How ioredis-mock represents each type (see its TYPE command). */
function typeOf(value: unknown): KeyType {
  if (value instanceof Set) return 'set';
  if (value instanceof Map) return 'zset';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string' || Buffer.isBuffer(value)) return 'string';
  return 'hash';
}

const INT64_MAX = 2n ** 63n - 1n;
/** Redis's string2ll: optional minus, no leading zeros or spaces, within 64 bits. */
export function isRedisInteger(text: string): boolean {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return false;
  const n = BigInt(text);
  return n <= INT64_MAX && n >= -INT64_MAX - 1n;
}
function isRedisFloat(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || /^[+-]?inf$/i.test(text);
}

function stored(data: MockData, key: string): string | undefined {
  const v = data.get(key);
  return v === undefined ? undefined : String(v);
}

function hashField(data: MockData, key: string, field: string): string | undefined {
  const hash = data.get(key) as Record<string, unknown> | undefined;
  const v = hash?.[field];
  return v === undefined ? undefined : String(v);
}

/** The numeric arguments and stored values each command needs, Redis's error text if not. */
function numericError(data: MockData, name: string, args: string[]): string | undefined {
  const [key = '', a1 = '', a2 = ''] = args;
  const current = () => stored(data, key);
  switch (name) {
    case 'incr':
    case 'decr': {
      const v = current();
      return v !== undefined && !isRedisInteger(v) ? NOT_INTEGER : undefined;
    }
    case 'incrby':
    case 'decrby': {
      const v = current();
      return !isRedisInteger(a1) || (v !== undefined && !isRedisInteger(v))
        ? NOT_INTEGER
        : undefined;
    }
    case 'incrbyfloat': {
      const v = current();
      return !isRedisFloat(a1) || (v !== undefined && !isRedisFloat(v)) ? NOT_FLOAT : undefined;
    }
    case 'hincrby': {
      if (!isRedisInteger(a2)) return NOT_INTEGER;
      const v = hashField(data, key, a1);
      return v !== undefined && !isRedisInteger(v) ? 'ERR hash value is not an integer' : undefined;
    }
    case 'hincrbyfloat': {
      if (!isRedisFloat(a2)) return NOT_FLOAT;
      const v = hashField(data, key, a1);
      return v !== undefined && !isRedisFloat(v) ? 'ERR hash value is not a float' : undefined;
    }
    case 'expire':
    case 'pexpire':
    case 'expireat':
    case 'pexpireat':
      return isRedisInteger(a1) ? undefined : NOT_INTEGER;
    case 'setex':
    case 'psetex':
      if (!isRedisInteger(a1)) return NOT_INTEGER;
      return BigInt(a1) <= 0n ? `ERR invalid expire time in '${name}' command` : undefined;
    case 'set':
      return setOptionsError(args.slice(2));
    case 'zadd':
      return zaddError(args.slice(1));
    case 'zincrby':
      return isRedisFloat(a1) ? undefined : NOT_FLOAT;
    default:
      return undefined;
  }
}

/** SET's options, which the mock parses loosely (it ignores words it does not know). */
function setOptionsError(options: string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < options.length; i++) {
    const word = (options[i] as string).toUpperCase();
    if (['EX', 'PX', 'EXAT', 'PXAT'].includes(word)) {
      if (seen.has('EXPIRY') || seen.has('KEEPTTL')) return SYNTAX;
      const value = options[++i];
      if (value === undefined) return SYNTAX;
      if (!isRedisInteger(value)) return NOT_INTEGER;
      if (BigInt(value) <= 0n) return "ERR invalid expire time in 'set' command";
      seen.add('EXPIRY');
      continue;
    }
    if (!['NX', 'XX', 'GET', 'KEEPTTL'].includes(word) || seen.has(word)) return SYNTAX;
    if (word === 'KEEPTTL' && seen.has('EXPIRY')) return SYNTAX;
    seen.add(word);
  }
  return seen.has('NX') && seen.has('XX') ? SYNTAX : undefined;
}

/** ZADD's scores, which the mock turns into NaN when they are not numbers. */
function zaddError(rest: string[]): string | undefined {
  let i = 0;
  while (i < rest.length && ZADD_FLAGS.includes((rest[i] as string).toUpperCase())) i++;
  const pairs = rest.slice(i);
  if (pairs.length === 0 || pairs.length % 2 !== 0) return SYNTAX;
  for (let p = 0; p < pairs.length; p += 2) {
    if (!isRedisFloat(pairs[p] as string)) return NOT_FLOAT;
  }
  return undefined;
}
const ZADD_FLAGS = ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'];

/** Redis's error for running `name args` against the mock's current data, if any. */
export function validateAgainstData(
  data: MockData,
  name: string,
  args: string[],
): string | undefined {
  const family = FAMILY_OF.get(name);
  if (family !== undefined) {
    const keys = ['smove', 'lmove', 'rpoplpush'].includes(name)
      ? args.slice(0, 2)
      : args.slice(0, 1);
    for (const key of keys) {
      if (data.has(key) && typeOf(data.get(key)) !== family) return WRONGTYPE;
    }
  }
  return numericError(data, name, args);
}
