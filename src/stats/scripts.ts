/**
 * The stats scripts (docs/redis-keys.md, `stats:`). One flush is one round trip whatever the
 * batch holds: per day hash an HMGET and an HSET (the sums are made in the script, so a batch
 * of any number of labels costs two commands, not one HINCRBY each), PEXPIREAT only when the
 * day's hash had none of the batch's labels yet, and a PFADD plus PEXPIREAT per walled-readers
 * HyperLogLog the batch touches.
 *
 * KEYS[1] marks the batch written (`SET NX`, an hour): the client retries a request whose
 * connection broke, and a batch that landed before the break must not be added twice.
 * ARGV: the number of hashes; per hash: expireAt (ms), n, then n label/increment pairs; per
 * HyperLogLog (the KEYS after the hashes): expireAt (ms), n, then n reader hashes.
 */
export const FLUSH_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', 3600000) then return 0 end
local hashes = tonumber(ARGV[1])
local a = 2
for k = 2, hashes + 1 do
  local expireAt = ARGV[a]
  local n = tonumber(ARGV[a + 1])
  a = a + 2
  local labels = {}
  for i = 1, n do labels[i] = ARGV[a + (i - 1) * 2] end
  local current = redis.call('HMGET', KEYS[k], unpack(labels))
  local fresh = true
  local kv = {}
  for i = 1, n do
    if current[i] then fresh = false end
    kv[#kv + 1] = labels[i]
    kv[#kv + 1] = (tonumber(current[i]) or 0) + tonumber(ARGV[a + (i - 1) * 2 + 1])
  end
  redis.call('HSET', KEYS[k], unpack(kv))
  if fresh then redis.call('PEXPIREAT', KEYS[k], expireAt) end
  a = a + 2 * n
end
for k = hashes + 2, #KEYS do
  local expireAt = ARGV[a]
  local n = tonumber(ARGV[a + 1])
  a = a + 2
  redis.call('PFADD', KEYS[k], unpack(ARGV, a, a + n - 1))
  redis.call('PEXPIREAT', KEYS[k], expireAt)
  a = a + n
end
return 1
`;

/**
 * Reads a range for the stats API: every day hash (HGETALL each), the supporters now, and the
 * two walled-readers counts over the whole range (PFCOUNT of the union of the days' logs).
 * KEYS: the day hashes, then the supporters hash, then the live logs, then the shadow logs; ARGV:
 * the number of days.
 */
export const READ_SCRIPT = `
local days = tonumber(ARGV[1])
local out = {}
for k = 1, days do out[k] = redis.call('HGETALL', KEYS[k]) end
out[days + 1] = redis.call('HGETALL', KEYS[days + 1])
local live = {}
local shadow = {}
for k = 1, days do
  live[k] = KEYS[days + 1 + k]
  shadow[k] = KEYS[2 * days + 1 + k]
end
out[days + 2] = redis.call('PFCOUNT', unpack(live))
out[days + 3] = redis.call('PFCOUNT', unpack(shadow))
return out
`;
