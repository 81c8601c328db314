import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, Keys, sha1Hex, TARGETS } from './upstash-local-support';

// Conformance of tools/upstash-local with the real @upstash/redis client, on both backends,
// configured as the worker configures it (one request per command, no read-your-writes; see
// client() in upstash-local-support.ts). What is asserted is what the client hands back from
// a real Upstash database, so a difference here is a difference the worker would see.

describe.each(TARGETS)('upstash-local on $name', ({ url }) => {
  let keys: Keys;
  beforeEach(() => {
    keys = new Keys();
  });
  afterEach(async () => {
    await keys.cleanup(url);
  });

  describe('commands', () => {
    const redis = () => client(url);

    it('stores and returns strings, including unicode, empty and base64-looking ones', async () => {
      const r = redis();
      const values = ['plain', 'héllo wörld ✓ 你好 🎉', '', 'OK', 'aGVsbG8=', 'line\nbreak\ttab'];
      for (const [i, value] of values.entries()) {
        expect(await r.set(keys.key(`s${i}`), value)).toBe('OK');
      }
      const got = await Promise.all(values.map((_, i) => r.get(keys.key(`s${i}`))));
      expect(got).toEqual(values);
    });

    it('returns text that looks like a number or JSON as the client deserializes it', async () => {
      const r = redis();
      const raw = client(url, { automaticDeserialization: false });
      await r.set(keys.key('num'), '123');
      await r.set(keys.key('json'), '{"a":[1,"b"]}');
      // The client's default JSON-parses replies; without it the stored text comes back.
      expect(await r.get(keys.key('num'))).toBe(123);
      expect(await r.get(keys.key('json'))).toEqual({ a: [1, 'b'] });
      expect(await raw.get(keys.key('num'))).toBe('123');
      expect(await raw.get(keys.key('json'))).toBe('{"a":[1,"b"]}');
    });

    it('counts with integer and float increments', async () => {
      const r = redis();
      expect(await r.incr(keys.key('n'))).toBe(1);
      expect(await r.incrby(keys.key('n'), 41)).toBe(42);
      expect(await r.decr(keys.key('n'))).toBe(41);
      expect(await r.incrbyfloat(keys.key('n'), 1.5)).toBe(42.5);
      expect(await r.get(keys.key('n'))).toBe(42.5);
    });

    it('round-trips JSON values', async () => {
      const r = redis();
      const value = { id: 'a1', n: 3, nested: { list: [1, 'two', null, true] }, text: 'ü' };
      await r.set(keys.key('obj'), value);
      expect(await r.get(keys.key('obj'))).toEqual(value);
      await r.set(keys.key('arr'), [1, 2, 3]);
      expect(await r.get(keys.key('arr'))).toEqual([1, 2, 3]);
    });

    it('answers null for missing keys and fields', async () => {
      const r = redis();
      await r.set(keys.key('here'), 'x');
      expect(await r.get(keys.key('missing'))).toBeNull();
      expect(await r.hget(keys.key('missing-hash'), 'f')).toBeNull();
      expect(await r.mget(keys.key('here'), keys.key('missing'))).toEqual(['x', null]);
    });

    it('sets expiry with PX/NX and reports it with PTTL/TTL', async () => {
      const r = redis();
      expect(await r.set(keys.key('e'), 'v', { px: 60_000, nx: true })).toBe('OK');
      // NX: a second SET must not replace the value.
      expect(await r.set(keys.key('e'), 'w', { px: 60_000, nx: true })).toBeNull();
      expect(await r.get(keys.key('e'))).toBe('v');
      const pttl = await r.pttl(keys.key('e'));
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(60_000);
      await r.set(keys.key('forever'), 'v');
      expect(await r.ttl(keys.key('forever'))).toBe(-1);
      expect(await r.pttl(keys.key('missing'))).toBe(-2);
      expect(await r.expire(keys.key('forever'), 100)).toBe(1);
      expect(await r.ttl(keys.key('forever'))).toBeGreaterThan(0);
    });

    it('keeps sets', async () => {
      const r = redis();
      expect(await r.sadd(keys.key('set'), 'a', 'b', 'a')).toBe(2);
      expect(await r.sadd(keys.key('set'), 'c')).toBe(1);
      expect(await r.scard(keys.key('set'))).toBe(3);
      expect(await r.sismember(keys.key('set'), 'b')).toBe(1);
      expect(await r.sismember(keys.key('set'), 'z')).toBe(0);
      expect((await r.smembers(keys.key('set'))).sort()).toEqual(['a', 'b', 'c']);
    });

    it('keeps sorted sets, with lower-case options as the client sends them', async () => {
      const r = redis();
      const z = keys.key('z');
      expect(await r.zadd(z, { score: 1, member: 'one' }, { score: 2, member: 'two' })).toBe(2);
      expect(await r.zadd(z, { nx: true }, { score: 9, member: 'one' })).toBe(0);
      expect(await r.zscore(z, 'one')).toBe(1);
      expect(await r.zadd(z, { score: 3, member: 'three' })).toBe(1);
      expect(await r.zrange(z, 0, -1, { withScores: true })).toEqual([
        'one',
        1,
        'two',
        2,
        'three',
        3,
      ]);
      expect(await r.zrange(z, 2, 3, { byScore: true })).toEqual(['two', 'three']);
      expect(await r.zremrangebyscore(z, 0, 1)).toBe(1);
      expect(await r.zcard(z)).toBe(2);
    });

    it('keeps hashes', async () => {
      const r = redis();
      expect(await r.hset(keys.key('h'), { name: 'Ada', visits: 1 })).toBe(2);
      expect(await r.hincrby(keys.key('h'), 'visits', 2)).toBe(3);
      expect(await r.hgetall(keys.key('h'))).toEqual({ name: 'Ada', visits: 3 });
    });

    it('reports Redis errors with their text', async () => {
      const r = redis();
      await r.set(keys.key('word'), 'abc');
      await expect(r.incr(keys.key('word'))).rejects.toThrow(
        'ERR value is not an integer or out of range',
      );
      await expect(r.sadd(keys.key('word'), 'x')).rejects.toThrow(/^.*WRONGTYPE/);
    });
  });

  describe('scripts', () => {
    it('counts distinct members with PFADD and PFCOUNT inside a script (the stats scripts)', async () => {
      const r = client(url);
      const [a, b] = [keys.key('hll-a'), keys.key('hll-b')];
      const add = (k: string, ...members: string[]) =>
        r.eval("return redis.call('PFADD', KEYS[1], unpack(ARGV))", [k], members);
      expect(await add(a, 'x', 'y', 'z')).toBe(1);
      expect(await add(a, 'x', 'y')).toBe(0);
      expect(await add(b, 'z', 'w')).toBe(1);
      // Exact at these sizes on Redis too (HyperLogLog's sparse form), and across keys a union.
      expect(await r.eval("return redis.call('PFCOUNT', KEYS[1])", [a], [])).toBe(3);
      expect(await r.eval("return redis.call('PFCOUNT', KEYS[1], KEYS[2])", [a, b], [])).toBe(4);
      expect(
        await r.eval("return redis.call('PFCOUNT', KEYS[1])", [keys.key('hll-none')], []),
      ).toBe(0);
    });

    it('runs EVAL with keys and arguments', async () => {
      const r = client(url);
      const k = keys.key('ev');
      const result = await r.eval(
        "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('GET', KEYS[1]), #ARGV}",
        [k],
        ['värde', 'second'],
      );
      expect(result).toEqual(['värde', 2]);
    });

    it('converts nested Lua tables, integers, floats, booleans and statuses as Redis does', async () => {
      const r = client(url, { automaticDeserialization: false });
      const result = await r.eval(
        `return {'top', 1, {'nested', {'deeper', 2}, 'ü'}, 3.9, -3.9, true, false, redis.status_reply('FINE'), 'OK'}`,
        [],
        [],
      );
      // Floats truncate toward zero, true is 1, false is nil; a Lua nil would end the array.
      expect(result).toEqual([
        'top',
        1,
        ['nested', ['deeper', 2], 'ü'],
        3,
        -3,
        1,
        null,
        'FINE',
        'OK',
      ]);
      expect(await r.eval('return {1, nil, 3}', [], [])).toEqual([1]);
      expect(await r.eval('return false', [], [])).toBeNull();
    });

    it('answers NOSCRIPT for an unknown SHA', async () => {
      const r = client(url);
      await expect(r.evalsha('0'.repeat(40), [], [])).rejects.toThrow(
        'NOSCRIPT No matching script. Please use EVAL.',
      );
    });

    it('loads a script and runs it by SHA', async () => {
      const r = client(url);
      const script = `return {'loaded', ARGV[1], '${crypto.randomUUID()}'}`;
      const sha = await r.scriptLoad(script);
      expect(sha).toBe(await sha1Hex(script));
      expect(await r.scriptExists(sha, 'f'.repeat(40))).toEqual([1, 0]);
      const result = (await r.evalsha(sha, [], ['x'])) as string[];
      expect(result.slice(0, 2)).toEqual(['loaded', 'x']);
    });

    it('falls back from EVALSHA to EVAL in createScript().exec, then hits the cache', async () => {
      const r = client(url);
      const source = `return redis.call('INCR', KEYS[1]) -- ${crypto.randomUUID()}`;
      const sha = await sha1Hex(source);
      expect(await r.scriptExists(sha)).toEqual([0]);
      const script = r.createScript<number>(source);
      expect(await script.exec([keys.key('cs')], [])).toBe(1);
      expect(await r.scriptExists(sha)).toEqual([1]);
      expect(await script.evalsha([keys.key('cs')], [])).toBe(2);
    });

    it('accepts Upstash shebang flags that redis-server does not know', async () => {
      const r = client(url);
      const source = `#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1]) -- ${crypto.randomUUID()}`;
      expect(await r.eval(source, [keys.key('sb')], [5])).toBe(5);
      const script = r.createScript<number>(source);
      expect(await script.evalsha([keys.key('sb')], ['5'])).toBe(10);
    });

    it('reports script errors with Redis’s texts', async () => {
      const r = client(url);
      await r.set(keys.key('se'), 'text');
      await expect(r.eval("return redis.error_reply('MYERR nope')", [], [])).rejects.toThrow(
        'MYERR nope',
      );
      await expect(r.eval("error('boom')", [], [])).rejects.toThrow(/ERR user_script:1: boom/);
      await expect(r.eval('return +', [], [])).rejects.toThrow(/ERR Error compiling script/);
      await expect(
        r.eval("return redis.call('INCR', KEYS[1])", [keys.key('se')], []),
      ).rejects.toThrow(/ERR value is not an integer or out of range script: [0-9a-f]{40}/);
      const caught = await r.eval(
        "local e = redis.pcall('INCR', KEYS[1]); return e.err",
        [keys.key('se')],
        [],
      );
      expect(caught).toBe('ERR value is not an integer or out of range');
    });

    it('gives scripts false for nil replies, also inside arrays', async () => {
      const r = client(url);
      const result = await r.eval(
        "redis.call('HSET', KEYS[1], 'a', '1'); local v = redis.call('HMGET', KEYS[1], 'zz', 'a'); return {v[1] == false and 'was-false' or 'other', v[2], redis.call('GET', KEYS[2]) == false and 'was-nil' or 'value'}",
        [keys.key('sh'), keys.key('sn')],
        [],
      );
      expect(result).toEqual(['was-false', 1, 'was-nil']);
    });
  });

  it('rejects a wrong token', async () => {
    const r = client(url, { token: 'not-the-token', retry: false });
    await expect(r.get(keys.key('x'))).rejects.toThrow(/Unauthorized/);
  });
});

describe('upstash-local instances', () => {
  it('keep their data apart: the embedded store is its own', async () => {
    const [main, memory] = TARGETS as [(typeof TARGETS)[0], (typeof TARGETS)[0]];
    const keys = new Keys();
    const k = keys.key('isolated');
    await client(memory.url).set(k, 'memory-only');
    expect(await client(main.url).get(k)).toBeNull();
    expect(await client(memory.url).get(k)).toBe('memory-only');
    await keys.cleanup(memory.url);
  });
});
