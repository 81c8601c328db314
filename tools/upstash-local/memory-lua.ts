import { CommandError, type Reply } from './backend';
import { luaRedisApi } from './memory-lua-redis';
import { stripShebang } from './scripts';

// Scripts on the embedded backend run through ioredis-mock's EVAL (fengari, Lua 5.3),
// inside a wrapper: the `redis` object from memory-lua-redis.ts, the user's script compiled
// as "@user_script" so error texts carry Redis's positions, and the reply converted by
// Redis's rules and returned as one JSON string. (A string, because the mock's own Lua→JS
// conversion drops tables built up element by element: it expects lua_next to walk keys in
// constructor order.)

/** Makes the Lua source to evaluate for one user script (KEYS/ARGV are set by the mock). */
export function scriptWrapper(
  arity: Record<string, number>,
): (script: string, sha: string) => string {
  const prelude = luaRedisApi(arity) + JSON_ENCODER;
  return (script, sha) => wrap(prelude, script, sha);
}

const SCRIPT_TIME_LIMIT_S = 5;
const TIMEOUT_ERROR = `BUSY upstash-local: script ran over ${SCRIPT_TIME_LIMIT_S} s on the embedded backend and was stopped`;

const JSON_ENCODER = String.raw`
-- A script's return value -> Redis reply, by Redis's rules, as JSON: strings and integers
-- as they are, nil as null, {"s": text} status, {"e": text} error, arrays up to the first
-- nil (Redis stops there). Every byte outside printable ASCII is escaped as \u00XX, so the
-- text is binary-safe; the JS side reads the strings back as bytes and decodes UTF-8.
local __esc = {['"'] = '\\"', ['\\'] = '\\\\'}
local function __str(s)
  return '"' .. (string.gsub(s, '[%c"\\\128-\255]', function(c)
    return __esc[c] or string.format('\\u%04x', string.byte(c))
  end)) .. '"'
end
local function __json(v)
  local t = type(v)
  if t == 'string' then return __str(v) end
  if t == 'number' then
    if v ~= v or v == math.huge or v == -math.huge then return '0' end
    -- Truncated toward zero, as Redis does. %.0f rather than %d: fengari's integers are
    -- 32-bit, so larger whole numbers are floats.
    local i = v >= 0 and math.floor(v) or math.ceil(v)
    return string.format('%.0f', i)
  end
  if t == 'boolean' then return v and '1' or 'null' end
  if t ~= 'table' then return 'null' end
  if type(v.err) == 'string' then return '{"e":' .. __str(v.err) .. '}' end
  if type(v.ok) == 'string' then return '{"s":' .. __str(v.ok) .. '}' end
  local parts = {}
  local i = 1
  while v[i] ~= nil do
    parts[i] = __json(v[i])
    i = i + 1
  end
  return '[' .. table.concat(parts, ',') .. ']'
end
`;

/** A long-bracket level whose closing bracket does not occur in the script. */
function longBracket(text: string): string {
  let eq = '=';
  while (text.includes(`]${eq}]`)) eq += '=';
  return eq;
}

function wrap(prelude: string, script: string, sha: string): string {
  const source = stripShebang(script);
  const eq = longBracket(source);
  // A newline right after the opening bracket is dropped by Lua, so the source is kept exactly.
  return `${prelude}
local __src = [${eq}[
${source}]${eq}]
local __fn, __cerr = load(__src, '@user_script', 't')
if not __fn then return '{"x":' .. __str('ERR Error compiling script (new function): ' .. __cerr) .. '}' end
-- The embedded store runs scripts on the server's only thread: stop a runaway one rather
-- than hang every client (redis-server would answer BUSY to everyone instead).
local __deadline = os.clock() + ${SCRIPT_TIME_LIMIT_S}
debug.sethook(function()
  if os.clock() > __deadline then error({err = '${TIMEOUT_ERROR}'}, 0) end
end, '', 100000)
local __ok, __res = pcall(__fn)
debug.sethook()
if __ok then return '{"r":' .. __json(__res) .. '}' end
local __where = ' script: ${sha}, on @user_script:'
local __msg
if type(__res) == 'table' and type(__res.err) == 'string' then
  __msg = __res.err
  if __res.__line then __msg = __msg .. __where .. __res.__line .. '.' end
else
  __msg = 'ERR ' .. tostring(__res)
  local __line = string.match(__msg, '^ERR user_script:(%d+):')
  if __line then __msg = __msg .. __where .. __line .. '.' end
end
return '{"x":' .. __str(__msg) .. '}'
`;
}

/** Strings from Lua arrive as one char per byte; the bytes are UTF-8. */
function utf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

function decodeNode(node: unknown, topLevel: boolean): Reply {
  if (typeof node === 'string') return utf8(node);
  if (typeof node === 'number') return node;
  if (Array.isArray(node)) return node.map((item) => decodeNode(item, false));
  if (node !== null && typeof node === 'object') {
    const { s, e } = node as { s?: string; e?: string };
    if (s !== undefined) return utf8(s);
    // A top-level error is the script's error reply. Nested ones have no JSON form in
    // Upstash's API, so they travel as their text.
    if (e !== undefined && topLevel) throw new CommandError(utf8(e));
    if (e !== undefined) return utf8(e);
  }
  return null;
}

/** Turn what the mock's eval returned for a wrapped script into the reply, or throw. */
export function decodeScriptResult(raw: unknown): Reply {
  let parsed: { r?: unknown; x?: string };
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    throw new CommandError('ERR upstash-local: unexpected script result');
  }
  if (parsed.x !== undefined) throw new CommandError(utf8(parsed.x));
  return decodeNode(parsed.r, true);
}
