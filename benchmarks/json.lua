-- json: a "real script" -- a complete JSON encoder and recursive-descent
-- decoder in plain Lua, round-tripping a generated document of nested
-- records several times and checking that the round trip is lossless.
-- Exercises: a mix of everything -- string scanning with byte/find/sub,
-- escapes, table.concat buffers, sorting keys, recursion over nested tables,
-- number formatting/parsing, type dispatch, closures.
-- Usage: json.lua [records]   (default records = 2600; 5 round trips)
local records = tonumber(arg and arg[1]) or 2600
local rounds = 5

---------------------------------------------------------------- encoder
local escapes = {
  ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t',
}
local function escapeChar(c)
  return escapes[c] or string.format("\\u%04x", c:byte())
end

local function isArray(t)
  local n = #t
  if n == 0 then return next(t) == nil and getmetatable(t) ~= nil end
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n
end

local arrayMeta = {} -- marks empty tables that should encode as []

local encodeValue
local function encodeString(s, buf)
  buf[#buf + 1] = '"' .. s:gsub('[%c"\\]', escapeChar) .. '"'
end

function encodeValue(v, buf)
  local tv = type(v)
  if tv == "string" then
    encodeString(v, buf)
  elseif tv == "number" then
    if v == math.floor(v) and v > -1e15 and v < 1e15 then
      buf[#buf + 1] = string.format("%d", v)
    else
      buf[#buf + 1] = string.format("%.14g", v)
    end
  elseif tv == "boolean" then
    buf[#buf + 1] = v and "true" or "false"
  elseif tv == "nil" then
    buf[#buf + 1] = "null"
  elseif tv == "table" then
    if isArray(v) then
      buf[#buf + 1] = "["
      for i = 1, #v do
        if i > 1 then buf[#buf + 1] = "," end
        encodeValue(v[i], buf)
      end
      buf[#buf + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
      buf[#buf + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then buf[#buf + 1] = "," end
        encodeString(k, buf)
        buf[#buf + 1] = ":"
        encodeValue(v[k], buf)
      end
      buf[#buf + 1] = "}"
    end
  else
    error("cannot encode " .. tv)
  end
end

local function encode(v)
  local buf = {}
  encodeValue(v, buf)
  return table.concat(buf)
end

---------------------------------------------------------------- decoder
local NULL = setmetatable({}, { __tostring = function() return "null" end })
local unescapes = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ['\\'] = '\\', ['/'] = '/' }

local function decode(text)
  local pos = 1
  local byte, sub, find = string.byte, string.sub, string.find

  local function fail(msg) error(string.format("JSON error at %d: %s", pos, msg)) end
  local function skip()
    local _, e = find(text, "^[ \t\r\n]*", pos)
    pos = e + 1
  end

  local parseValue
  local function parseString()
    pos = pos + 1 -- opening quote
    local parts, n = {}, 0
    while true do
      local s, e = find(text, '["\\]', pos)
      if not s then fail("unterminated string") end
      if s > pos then n = n + 1; parts[n] = sub(text, pos, s - 1) end
      if byte(text, s) == 34 then -- '"'
        pos = e + 1
        return table.concat(parts)
      end
      local c = sub(text, s + 1, s + 1)
      if c == "u" then
        local hex = sub(text, s + 2, s + 5)
        local code = tonumber(hex, 16)
        if not code or code > 127 then fail("unsupported \\u escape") end
        n = n + 1; parts[n] = string.char(code)
        pos = s + 6
      else
        local r = unescapes[c]
        if not r then fail("bad escape") end
        n = n + 1; parts[n] = r
        pos = s + 2
      end
    end
  end

  local function parseNumber()
    local s, e = find(text, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if not s then fail("bad number") end
    local v = tonumber(sub(text, s, e))
    pos = e + 1
    return v
  end

  function parseValue()
    skip()
    local c = byte(text, pos)
    if c == 123 then -- {
      local obj = {}
      pos = pos + 1
      skip()
      if byte(text, pos) == 125 then pos = pos + 1; return obj end
      while true do
        skip()
        if byte(text, pos) ~= 34 then fail("expected key") end
        local k = parseString()
        skip()
        if byte(text, pos) ~= 58 then fail("expected ':'") end
        pos = pos + 1
        obj[k] = parseValue()
        skip()
        c = byte(text, pos)
        pos = pos + 1
        if c == 125 then return obj end
        if c ~= 44 then fail("expected ',' or '}'") end
      end
    elseif c == 91 then -- [
      local arr = setmetatable({}, arrayMeta)
      pos = pos + 1
      skip()
      if byte(text, pos) == 93 then pos = pos + 1; return arr end
      local n = 0
      while true do
        n = n + 1
        arr[n] = parseValue()
        skip()
        c = byte(text, pos)
        pos = pos + 1
        if c == 93 then return arr end
        if c ~= 44 then fail("expected ',' or ']'") end
      end
    elseif c == 34 then
      return parseString()
    elseif c == 116 then
      if sub(text, pos, pos + 3) ~= "true" then fail("bad literal") end
      pos = pos + 4; return true
    elseif c == 102 then
      if sub(text, pos, pos + 4) ~= "false" then fail("bad literal") end
      pos = pos + 5; return false
    elseif c == 110 then
      if sub(text, pos, pos + 3) ~= "null" then fail("bad literal") end
      pos = pos + 4; return NULL
    else
      return parseNumber()
    end
  end

  local v = parseValue()
  skip()
  if pos <= #text then fail("trailing garbage") end
  return v
end

-- NULL must encode as null: handle it in the encoder's type dispatch.
local baseEncode = encodeValue
encodeValue = function(v, buf)
  if v == NULL then buf[#buf + 1] = "null" else baseEncode(v, buf) end
end

---------------------------------------------------------------- document
local seed = 2024
local function rand(n)
  seed = (seed * 16807) % 2147483647
  return seed % n
end
local firstNames = { "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Niklaus", "Frances" }
local tags = { "admin", "dev", "ops", "qa", "design", "sales", "support" }

local function makeRecord(i)
  local t = setmetatable({}, arrayMeta)
  for k = 1, rand(4) do t[k] = tags[rand(#tags) + 1] end
  return {
    id = i,
    name = firstNames[rand(#firstNames) + 1] .. " \"" .. rand(1000) .. "\"",
    email = "user" .. i .. "@example.org",
    active = rand(2) == 0,
    score = rand(100000) / 64,
    balance = -rand(5000) + 0.25,
    tags = t,
    address = {
      street = rand(999) .. " Main St\tApt " .. rand(50),
      city = "City\\" .. rand(100),
      zip = string.format("%05d", rand(100000)),
      geo = { lat = rand(180000) / 1000 - 90, lon = rand(360000) / 1000 - 180 },
    },
    notes = rand(3) == 0 and NULL or ("line one\nline two " .. i),
  }
end

local doc = { version = 3, generated = "benchmark", items = setmetatable({}, arrayMeta) }
for i = 1, records do doc.items[i] = makeRecord(i) end

local text = encode(doc)
local totalLen, scoreSum, active = 0, 0, 0
for _ = 1, rounds do
  local back = decode(text)
  local again = encode(back)
  if again ~= text then error("round trip mismatch") end
  totalLen = totalLen + #again
  for i = 1, #back.items do
    local it = back.items[i]
    scoreSum = scoreSum + it.score + it.address.geo.lat
    if it.active then active = active + 1 end
  end
  text = again
end
print(string.format("json length = %d", #text))
print(string.format("total = %d active = %d", totalLen, active))
print(string.format("score sum = %.4f", scoreSum))
