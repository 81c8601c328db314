import { REFUSED_COMMANDS } from './backend';
import { optionSpecsAsLua } from './memory-options';
import { FAMILY_OF } from './memory-validate';

// The `redis` object scripts see on the embedded backend, as Lua source, rebuilt on top of
// ioredis-mock's raw `call(raiseErrors, name, ...)`. The mock's own `redis.call`:
// - runs any command with any arity and no type checks (INCR on "abc" stores "NaN");
// - swallows errors (redis.call returns false), and has no status_reply/error_reply;
// - hands back JS proxies: arrays with nil as a JS null userdata (so `bucket[1] == false`
//   is never true), integers as floats (`tostring(n)` gives "5.0"), "OK" as a plain string.
// This version checks what redis-server checks, with the same texts, and converts replies
// to what redis-server gives a script: tables, false for nil, integers, {ok=...} statuses.

/** Commands whose "OK" is a status reply in Redis, which scripts see as {ok="OK"}. */
const STATUS_COMMANDS = ['set', 'mset', 'hmset', 'setex', 'psetex', 'rename', 'ltrim', 'lset'];
/** Redis refuses these inside scripts. */
const NOT_IN_SCRIPTS = ['eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'script', ...REFUSED_COMMANDS];

// Lookup tables travel as one string literal each (" name:value ... "), searched with
// string.find: the mock compiles every script anew, and a few hundred table entries in the
// wrapper cost milliseconds per EVAL where a literal costs nothing.
const luaLookup = (entries: [string, string | number][]) =>
  `' ${entries.map(([k, v]) => `${k}:${v}`).join(' ')} '`;

/** @param arity the commands the mock implements, with Redis's arity (see command-table). */
export function luaRedisApi(arity: Record<string, number>): string {
  return `
local __jscall = call
call = nil
repair = nil
local __options = ${optionSpecsAsLua()}
local __status = ${luaLookup(STATUS_COMMANDS.map((n) => [n, 1]))}
local __forbidden = ${luaLookup(NOT_IN_SCRIPTS.map((n) => [n, 1]))}
local __arity = ${luaLookup(Object.entries(arity))}
local __family = ${luaLookup([...FAMILY_OF])}
local function __lookup(list, name)
  if string.find(name, '[%s:]') then return nil end
  local _, last = string.find(list, ' ' .. name .. ':', 1, true)
  return last and string.match(list, '^%S+', last + 1)
end

-- JS values seen through fengari-interop -> what redis-server gives a script.
local function __length(v)
  local ok, n = pcall(function() return v.length end)
  if ok and type(n) == 'number' then return math.tointeger(n) end
  return nil
end
local function __tolua(v, first)
  local t = type(v)
  if t == 'number' then return math.tointeger(v) or v end
  if t == 'string' then return v end
  if t == 'boolean' then return v and 1 or false end
  if t ~= 'userdata' then return false end
  local n = __length(v)
  if n == nil then return false end
  local out = {}
  -- The mock prepends a null to the arrays it returns from call(); nested ones start at 0.
  for i = first, n - 1 do out[#out + 1] = __tolua(v[i], 0) end
  return out
end

-- Redis formats number arguments without a trailing ".0" (Lua 5.1 had no integers). fengari's
-- integers are 32-bit, so a millisecond timestamp is a float here: print integral floats
-- with %.0f, never %d.
local function __argstring(a)
  local mt = math.type(a)
  if mt == 'integer' then return tostring(a) end
  if mt == 'float' then
    if a == math.floor(a) and a > -2^53 and a < 2^53 then return string.format('%.0f', a) end
    for p = 15, 17 do
      local s = string.format('%.' .. p .. 'g', a)
      if tonumber(s) == a then return s end
    end
  end
  if type(a) == 'string' then return a end
  return nil
end

local function __isint(s)
  return type(s) == 'string' and #s <= 20 and (s == '0' or string.find(s, '^%-?[1-9]%d*$') ~= nil)
end
local __floats = {'^[+-]?%d+%.?%d*$', '^[+-]?%.%d+$', '^[+-]?%d+%.?%d*[eE][+-]?%d+$',
  '^[+-]?%.%d+[eE][+-]?%d+$', '^[+-]?[iI][nN][fF]$'}
local function __isfloat(s)
  if type(s) ~= 'string' then return false end
  for _, p in ipairs(__floats) do
    if string.find(s, p) then return true end
  end
  return false
end

local __NOTINT = 'ERR value is not an integer or out of range'
local function __check(args, n)
  local name = args[1]
  if __lookup(__forbidden, name) then return 'ERR This Redis command is not allowed from script' end
  local a = tonumber(__lookup(__arity, name))
  if a == nil then return 'ERR Unknown Redis command called from script' end
  if (a >= 0 and n ~= a) or (a < 0 and n < -a) then
    return 'ERR Wrong number of args calling Redis command from script'
  end
  local family = __lookup(__family, name)
  if family then
    local t = __jscall(false, 'type', args[2])
    if t ~= 'none' and t ~= family then
      return 'WRONGTYPE Operation against a key holding the wrong kind of value'
    end
  end
  if name == 'incr' or name == 'decr' or name == 'incrby' or name == 'decrby' then
    local v = __jscall(false, 'get', args[2])
    if (v ~= nil and not __isint(v)) or (n == 3 and not __isint(args[3])) then return __NOTINT end
  elseif name == 'incrbyfloat' then
    local v = __jscall(false, 'get', args[2])
    if (v ~= nil and not __isfloat(v)) or not __isfloat(args[3]) then
      return 'ERR value is not a valid float'
    end
  elseif name == 'hincrby' then
    if not __isint(args[4]) then return __NOTINT end
    local v = __jscall(false, 'hget', args[2], args[3])
    if v ~= nil and not __isint(v) then return 'ERR hash value is not an integer' end
  elseif name == 'expire' or name == 'pexpire' or name == 'expireat' or name == 'pexpireat' then
    if not __isint(args[3]) then return __NOTINT end
  end
  return nil
end

local function __errtext(e)
  local s = (string.gsub(tostring(e), '^%a*Error: ', ''))
  if not string.find(s, '^%u[%u_]+ ') then s = 'ERR ' .. s end
  return s
end

local function __normalize(args, n)
  local spec = __options[args[1]]
  if not spec then return end
  local i = spec[1] + 1
  while i <= n do
    local up = string.upper(args[i])
    local values = spec[3][up]
    if values == nil then
      if spec[2] then return end
      i = i + 1
    else
      args[i] = up
      i = i + 1 + values
    end
  end
end

-- HyperLogLog, which the mock lacks, as an exact set under the same key: PFADD answers 1 when
-- the count changed, PFCOUNT the size of the union. Redis's estimate is within 0.81% of this;
-- the key's TYPE is a set here, a string on Redis.
local function __hyperloglog(name, args, n)
  if n < 2 then return nil, "ERR wrong number of arguments for '" .. name .. "' command" end
  if name == 'pfadd' then
    if n == 2 then return 0 end
    local added = __jscall(false, 'sadd', table.unpack(args, 2, n))
    return (added ~= nil and added > 0) and 1 or 0
  end
  if n == 2 then return math.tointeger(__jscall(false, 'scard', args[2])) or 0 end
  local union = __tolua(__jscall(false, 'sunion', table.unpack(args, 2, n)), 1)
  return #union
end

-- Returns the reply, or nil and Redis's error text.
local function __invoke(...)
  local n = select('#', ...)
  if n == 0 then return nil, 'ERR Please specify at least one argument for this redis lib call' end
  local args = {...}
  for i = 1, n do
    args[i] = __argstring(args[i])
    if args[i] == nil then
      return nil, 'ERR Lua redis lib command arguments must be strings or integers'
    end
  end
  local name = string.lower(args[1])
  args[1] = name
  if name == 'pfadd' or name == 'pfcount' then return __hyperloglog(name, args, n) end
  local refused = __check(args, n)
  if refused then return nil, refused end
  __normalize(args, n)
  local ok, res = pcall(__jscall, false, table.unpack(args, 1, n))
  if not ok then return nil, __errtext(res) end
  if res == nil then
    -- The mock returns nothing for "" as for nil; ask whether the value exists.
    if name == 'get' and __jscall(false, 'exists', args[2]) == 1 then return '' end
    if name == 'hget' and __jscall(false, 'hexists', args[2], args[3]) == 1 then return '' end
    return false
  end
  if res == 'OK' and __lookup(__status, name) then return {ok = 'OK'} end
  if name == 'type' or (name == 'ping' and n == 1) then return {ok = res} end
  return __tolua(res, 1)
end

-- The line of the user's script that called redis.call, for Redis's error suffix.
local function __userline()
  for level = 3, 12 do
    local info = debug.getinfo(level, 'Sl')
    if info == nil then break end
    if info.source == '@user_script' and info.currentline > 0 then return info.currentline end
  end
  return '?'
end

redis = {}
function redis.call(...)
  local res, err = __invoke(...)
  if err then error({err = err, __line = __userline()}, 0) end
  return res
end
function redis.pcall(...)
  local res, err = __invoke(...)
  if err then return {err = err} end
  return res
end
function redis.status_reply(s) return {ok = s} end
function redis.error_reply(s) return {err = s} end
function redis.log() end
function redis.set_repl() end
function redis.replicate_commands() return true end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
`;
}
