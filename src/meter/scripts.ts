/**
 * The meter's atomic Redis logic. One script runs per read, so the check and the count can
 * never race, and a retried request for the same article cannot count twice (set members
 * are unique). Each script returns `{ outcome, used, oldestMs }`, and the decision is made
 * from that value alone, never from a second read.
 *
 * Outcomes: `counted` (counted now), `available` (peek: would be counted),
 * `already_read` (counted earlier in this window), `exhausted` (limit reached, new article),
 * `signed_out` (the account session given with the read has ended: nothing counted).
 *
 * Command budget (Upstash bills each command, Lua-internal ones included), calendar month,
 * in a window that has already begun: EVALSHA + SCARD + SADD (counted / already read)
 * or EVALSHA + SCARD + SISMEMBER (exhausted / re-read at the limit) = 3. The first read of a
 * window adds one PEXPIREAT, set in the same script so a set can never outlive its month.
 * A reader whose id carries the meter (src/meter/carried.ts) reaches Redis only for a new
 * article under the limit: its first return is EVALSHA + EXISTS + SADD + PEXPIREAT (the set
 * made of the carried first read and this one), and the answer that reaches the limit adds an
 * SMEMBERS only when the id does not already know every counted article; re-reads and a
 * walled reader's new articles cost nothing.
 * SCARD runs first because it alone decides which of the cheap paths applies.
 * A signed-in device's read adds one GET (its session, SESSION_GUARD).
 */

/**
 * A signed-in device's reads count under its account only while the sign-in lives: with
 * KEYS[2] (`account-session:{sessionId}`) and, as the last ARGV, the account key it must hold,
 * a session that ended (signed out elsewhere, expired, erased) answers `signed_out` and counts
 * nothing. One GET inside the same script: still one round trip.
 */
const SESSION_GUARD = `
if #KEYS > 1 and redis.call('GET', KEYS[2]) ~= ARGV[#ARGV] then
  return {'signed_out', 0, 0}
end
`;

/**
 * KEYS[1] = set of article ids; ARGV = article id, limit, consume (1|0), expire-at ms,
 * pending article id ('' for none), then two counts for the members check: how many counted
 * articles the reader's id already knows of without this one, and with it (-1, -1: never
 * return the members).
 *
 * `pending` is the first read of a reader whose id carried it (src/meter/carried.ts): it was
 * granted without Redis, and is recorded here, before the count, whatever else happens. A
 * reader's first return finds no set: one SADD makes it of the first read and this one, and
 * one PEXPIREAT bounds it to the month. The read that reaches the limit also returns the
 * whole set (one SMEMBERS), unless the id's known articles are already all of it (the counts
 * match), so that the id can list every counted article and refuse new ones without Redis.
 * Only that read: an id that missed it (a site that keeps the first id it was given, another
 * tab) is answered at the limit for 3 commands, as before, never 4.
 */
export const CALENDAR_METER_SCRIPT = `${SESSION_GUARD}
local key, article, pending = KEYS[1], ARGV[1], ARGV[5]
local limit = tonumber(ARGV[2])
local function answer(outcome, n)
  if outcome == 'counted' and n >= limit and n ~= tonumber(ARGV[7]) and tonumber(ARGV[6]) >= 0 then
    return {outcome, n, 0, redis.call('SMEMBERS', key)}
  end
  return {outcome, n, 0}
end
if pending ~= '' then
  if ARGV[3] == '1' and limit >= 2 and redis.call('EXISTS', key) == 0 then
    local n = redis.call('SADD', key, pending, article)
    redis.call('PEXPIREAT', key, ARGV[4])
    return answer(n == 2 and 'counted' or 'already_read', n)
  end
  if redis.call('SADD', key, pending) == 1 then
    redis.call('PEXPIREAT', key, ARGV[4])
  end
end
local used = redis.call('SCARD', key)
if used < limit then
  if ARGV[3] ~= '1' then
    if used > 0 and redis.call('SISMEMBER', key, article) == 1 then
      return {'already_read', used, 0}
    end
    return {'available', used, 0}
  end
  if redis.call('SADD', key, article) == 0 then
    return {'already_read', used, 0}
  end
  if used == 0 then
    redis.call('PEXPIREAT', key, ARGV[4])
  end
  return answer('counted', used + 1)
end
if redis.call('SISMEMBER', key, article) == 1 then
  return answer('already_read', used)
end
return answer('exhausted', used)
`;

/**
 * KEYS[1] = sorted set article id -> first-counted ms; ARGV = article id, limit,
 * consume (1|0), now ms, window ms. Costs more commands than the calendar script
 * (a sliding window has to forget old reads), which is why calendar month is the default.
 */
export const ROLLING_METER_SCRIPT = `${SESSION_GUARD}
local key, article = KEYS[1], ARGV[1]
local limit, now, win = tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
local used = redis.call('ZCARD', key)
local function oldest()
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if first[2] then return tonumber(first[2]) end
  return 0
end
if used > 0 and redis.call('ZSCORE', key, article) then
  return {'already_read', used, oldest()}
end
if used >= limit then
  return {'exhausted', used, oldest()}
end
if ARGV[3] ~= '1' then
  return {'available', used, oldest()}
end
redis.call('ZADD', key, now, article)
redis.call('PEXPIRE', key, win)
return {'counted', used + 1, oldest()}
`;

/**
 * A browser's reads become an account's when the reader registers: KEYS[1] = the browser's
 * meter key, KEYS[2] = the account's, same window. ARGV = 'calendar'|'rolling', expire-at ms
 * (calendar) or window ms (rolling), now ms, and (calendar) the first read the browser's id
 * still carried ('' for none: src/meter/carried.ts). Set members are unique, so an article read on
 * both counts once; a rolling read keeps its earliest time. Returns the account's count.
 * Plain commands only (no SUNIONSTORE), so it also runs on upstash-local's embedded backend.
 */
export const ADOPT_METER_SCRIPT = `
local from, to = KEYS[1], KEYS[2]
if ARGV[1] == 'calendar' then
  local reads = redis.call('SMEMBERS', from)
  for i = 1, #reads do redis.call('SADD', to, reads[i]) end
  if ARGV[4] ~= nil and ARGV[4] ~= '' then redis.call('SADD', to, ARGV[4]) end
  local used = redis.call('SCARD', to)
  if used > 0 then redis.call('PEXPIREAT', to, ARGV[2]) end
  return used
end
local now, win = tonumber(ARGV[3]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', from, '-inf', now - win)
local reads = redis.call('ZRANGE', from, 0, -1, 'WITHSCORES')
for i = 1, #reads, 2 do
  local mine = redis.call('ZSCORE', to, reads[i])
  if not mine or tonumber(mine) > tonumber(reads[i + 1]) then
    redis.call('ZADD', to, reads[i + 1], reads[i])
  end
end
local used = redis.call('ZCARD', to)
if used > 0 then redis.call('PEXPIRE', to, win) end
return used
`;
